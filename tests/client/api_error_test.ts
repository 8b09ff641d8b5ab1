/** KubernetesApiError: redacted texts (issue 8, item 5) and predicates as type guards (issue 9). */
import assert from "node:assert/strict";
import {
  isAlreadyExists,
  isConflict,
  isForbidden,
  isGone,
  isInvalid,
  isNotFound,
  isTooManyRequests,
  isUnauthorized,
  KubernetesApiError,
} from "../../lib/client/mod.ts";

const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlLWJ5dGVz";

Deno.test("item 5: Status and text bodies are redacted in message, toString, JSON and stack", () => {
  const errors = [
    new KubernetesApiError({
      kind: "Status",
      code: 401,
      message: `token ${JWT} rejected; Authorization: Bearer abc.def`,
      details: { causes: [{ field: "x", message: `password=hunter22 in ${JWT}` }] },
    }),
    KubernetesApiError.fromResponseBody(502, `bad gateway for Bearer abc.def (${JWT})`),
    KubernetesApiError.fromResponseBody(
      500,
      JSON.stringify({ kind: "Status", message: `echo ${JWT}` }),
    ),
  ];
  for (const err of errors) {
    for (const text of [err.message, String(err), JSON.stringify(err), String(err.stack)]) {
      for (const secret of [JWT, "abc.def", "hunter22"]) {
        assert.equal(text.includes(secret), false, `${secret} in ${text}`);
      }
    }
  }
  assert.match(errors[0].message, /401 Unauthorized: token \[redacted token\] rejected/);
  assert.equal(errors[0].causes[0].field, "x");
  assert.match(errors[0].causes[0].message!, /\[redacted token\]/);
});

Deno.test("error predicates are type guards", () => {
  const caught: unknown = new KubernetesApiError({ code: 404, reason: "NotFound" });
  const guards = [
    isNotFound,
    isConflict,
    isAlreadyExists,
    isGone,
    isInvalid,
    isForbidden,
    isTooManyRequests,
    isUnauthorized,
  ];
  for (const guard of guards) {
    if (guard(caught)) {
      // Compiles only because the predicate narrows `unknown` to KubernetesApiError.
      const code: number = caught.code;
      assert.equal(code, 404);
    }
  }
  assert.equal(isNotFound(caught), true);
  assert.equal(isNotFound(new Error("404")), false);
});
