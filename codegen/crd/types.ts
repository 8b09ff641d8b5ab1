/**
 * The CustomResourceDefinition types the CRD generator reads: the generated
 * `apiextensions.k8s.io/v1` ones (the one declaration in the package). Input documents are
 * checked by `read.ts` for the fields the generator relies on; other fields pass through.
 *
 * @module
 */

export type {
  CustomResourceDefinition,
  CustomResourceDefinitionVersion,
  JSONSchemaProps,
} from "../../lib/apis/apiextensions.k8s.io/v1/types.ts";
