/** Thrown while compiling a shape the compiler does not take: its root field runs on the resolvers. */
export class CannotCompile extends Error {}
