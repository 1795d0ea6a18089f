/** Accounts v1 in the graph. Imported for their side effects. */
export {};
