// Filled in by the agencies module: its resolver classes, including fields it adds to other modules' types.
export const agencyResolvers: Function[] = [];
