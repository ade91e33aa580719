// Must NOT type-check: a packed relation discriminator with an embedding module.
import { layers, type RelationDiscriminatorDecl } from "../../src/dsl/mod.ts";

export const bad: RelationDiscriminatorDecl = {
  kind: "relation",
  merge: "packed",
  embedding: layers.sequential([layers.dense(8)]),
  relation: layers.sequential([layers.dense(8)]),
  head: layers.sequential([layers.dense(1)]),
};
