export { stewardshipResolvers } from "./stewardship.resolver.js";
