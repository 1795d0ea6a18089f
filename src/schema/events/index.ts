/** Events v1 in the graph. Imported for their side effects, parents before children. */
export {};
