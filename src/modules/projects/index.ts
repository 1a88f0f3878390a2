// Filled in by the projects module: its resolver classes, including fields it adds to other modules' types.
export const projectResolvers: Function[] = [];
