/**
 * The Greeting operator's command line, as deployed: `deno run` with the compile flags,
 * `--leader-elect`, and a service account holding exactly the rules of
 * `deploy/greeting/rbac.yaml` (made namespaced for the test). A verb the operator uses but the
 * manifests lack fails this test.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { ResourceClient } from "../../lib/client/mod.ts";
import { withNamespace } from "../../lib/testing/mod.ts";
import { leaseHolder, operatorCommand } from "../delivery/_greeting.ts";
import { Greetings } from "../../examples/greeting/api/demo.staircase.dev/v1/mod.ts";
import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
import { adminClient, greetingCluster, writeServiceAccountKubeconfig } from "./_operator.ts";

const cluster = await greetingCluster();
const admin = await adminClient(cluster);

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** The rules of the deploy manifests' ClusterRole and leader-election Role. */
async function deployRules(): Promise<Rule[]> {
  const text = await Deno.readTextFile(new URL("../../deploy/greeting/rbac.yaml", import.meta.url));
  const rules: Rule[] = [];
  for (const doc of parseAllDocuments(text)) {
    const object = doc.toJS() as { kind?: string; rules?: Rule[] };
    if (object?.kind === "ClusterRole" || object?.kind === "Role") {
      rules.push(...object.rules ?? []);
    }
  }
  return rules;
}

Deno.test("the operator runs with --leader-elect under exactly the deploy RBAC", () =>
  withNamespace(async (ns) => {
    const rules = await deployRules();
    assert.ok(rules.length > 0);
    const dir = await Deno.makeTempDir();
    const kubeconfig = `${dir}/kubeconfig.json`;
    await writeServiceAccountKubeconfig(cluster, ns, "greeting-operator", rules, kubeconfig);
    await new ResourceClient(admin, Greetings).namespace(ns).create({
      apiVersion: "demo.staircase.dev/v1",
      kind: "Greeting",
      metadata: { name: "hello" },
      spec: { message: "Hello under least privilege" },
    });
    let output: Deno.CommandOutput;
    try {
      output = await operatorCommand([
        "--once",
        "--leader-elect",
        "--namespace",
        ns,
        "--kubeconfig",
        kubeconfig,
      ]).output();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
    const log = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, log);
    assert.doesNotMatch(log, /forbidden/i);
    assert.match(log, /became the leader/);
    const cm = await new ResourceClient(admin, ConfigMaps).namespace(ns).get("greeting-hello");
    assert.equal(cm.data?.message, "Hello under least privilege");
    assert.equal(await leaseHolder(admin, ns), undefined, "the Lease was released on exit");
  }, { prefix: "greeting-rbac" }));
