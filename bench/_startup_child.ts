// The child process of bench/startup.ts: connects, then prints Date.now() when its first Run
// starts (operator) or its first write is sent (bare), and exits.
import { kubeConfigClient, ResourceClient } from "../lib/client/mod.ts";
import { Controller, Operator, SharedInformers } from "../lib/controller/mod.ts";
import type { Greeting } from "../examples/greeting/api/demo.staircase.dev/v1/mod.ts";
import { ConfigMaps, Greetings, threeStepReconciler } from "../tests/controller/_three_steps.ts";

const [mode, kubeconfig, namespace] = Deno.args;
const client = await kubeConfigClient({ paths: [kubeconfig] });
if (mode === "bare") {
  const greetings = new ResourceClient(client, Greetings).namespace(namespace);
  const first = (await greetings.list()).items[0];
  console.log(Date.now());
  await greetings.patch(first.metadata!.name!, { metadata: { annotations: { bare: "1" } } }, {
    type: "merge",
  });
  Deno.exit(0);
}
const controller = new Controller<Greeting>({
  resource: Greetings,
  reconciler: threeStepReconciler(),
  client,
  namespace,
  observer: {
    onRunStarted: () => {
      console.log(Date.now());
      Deno.exit(0);
    },
  },
}).owns(ConfigMaps);
await new Operator({ informers: new SharedInformers(client) }).add(controller)
  .run(new AbortController().signal);
