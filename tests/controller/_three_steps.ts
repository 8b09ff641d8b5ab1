/**
 * The benchmark's workload as a reconciler, shared by tests and `bench/converge.ts`: per
 * Greeting three writes, one per Run: create a child ConfigMap with an owner reference,
 * annotate the Greeting, write its status. Every read comes from the cache.
 *
 * @module
 */
import { ResourceClient } from "../../lib/client/mod.ts";
import { modified, noModification, plan, type Reconciler } from "../../lib/steps/mod.ts";
import { ConfigMaps } from "../../lib/apis/core/v1/mod.ts";
import { type Greeting, Greetings } from "../../examples/greeting/api/demo.staircase.dev/v1/mod.ts";

/** The kinds' tokens (the generated ones). */
export { ConfigMaps, Greetings };

/** The annotation step 2 sets. */
export const SEEN = "demo.staircase.dev/seen";

/** The child's name. */
export const childName = (greeting: Greeting): string => `child-${greeting.metadata!.name}`;

/** The three-step reconciler. `onStep` is called with each step's name as it starts. */
export function threeStepReconciler(
  onStep: (name: string, greeting: Greeting) => void | Promise<void> = () => {},
): Reconciler<Greeting> {
  return {
    plan: () =>
      plan<Greeting>()
        .step({
          name: "ensure-configmap",
          run: async (context) => {
            const greeting = context.resource;
            await onStep("ensure-configmap", greeting);
            const namespace = greeting.metadata!.namespace!;
            const name = childName(greeting);
            if (context.cache.get(ConfigMaps, name, namespace)) {
              return noModification(undefined);
            }
            await new ResourceClient(context.client, ConfigMaps).namespace(namespace).create({
              metadata: {
                name,
                ownerReferences: [{
                  apiVersion: "demo.staircase.dev/v1",
                  kind: "Greeting",
                  name: greeting.metadata!.name!,
                  uid: greeting.metadata!.uid!,
                  controller: true,
                }],
              },
              data: { message: greeting.spec?.message ?? "" },
            }, { abortSignal: context.signal });
            return modified({ message: `created ConfigMap ${name}` });
          },
        })
        .step({
          name: "annotate",
          run: async (context) => {
            const greeting = context.resource;
            await onStep("annotate", greeting);
            if (greeting.metadata?.annotations?.[SEEN] === "true") return noModification(undefined);
            await new ResourceClient(context.client, Greetings)
              .namespace(greeting.metadata!.namespace!)
              .patch(greeting.metadata!.name!, { metadata: { annotations: { [SEEN]: "true" } } }, {
                type: "merge",
                abortSignal: context.signal,
              });
            return modified({ message: "annotated" });
          },
        })
        .step({
          name: "report-status",
          run: async (context) => {
            const greeting = context.resource;
            await onStep("report-status", greeting);
            const name = childName(greeting);
            const upToDate = greeting.status?.ready === true && greeting.status.configMap === name;
            return noModification(
              undefined,
              upToDate ? undefined : { status: { ready: true, configMap: name } },
            );
          },
        }),
  };
}
