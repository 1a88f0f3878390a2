// Filled in by the households module: its resolver classes, including fields it adds to other modules' types.
export const householdResolvers: Function[] = [];
