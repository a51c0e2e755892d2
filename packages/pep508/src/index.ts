// @tspack/pep508: PEP 508 markers and requirements: tokenizer, parser, evaluator, canonical form
export { evaluateMarker } from "./evaluate-marker.js";
export type { SimplifyMarkerOptions } from "./marker-algebra.js";
export {
  canonicalizeMarker,
  formatMarker,
  isMarkerFalse,
  isMarkerTrue,
  markerAnd,
  markerNot,
  markerOr,
  markersDisjoint,
  markersEqual,
  resolveExtras,
  simplifyMarker,
} from "./marker-algebra.js";
export type { MarkerEnvironment } from "./marker-environment.js";
export type { MarkerNode, SimplifyMarkerNodeOptions } from "./marker-node.js";
export {
  formatMarkerNode,
  MARKER_NODE_FALSE,
  MARKER_NODE_TRUE,
  markerNodeAnd,
  markerNodeExtras,
  markerNodeNot,
  markerNodeOr,
  markerNodesDisjoint,
  markerNodeToTree,
  markerToNode,
  resolveExtrasNode,
  simplifyMarkerNode,
} from "./marker-node.js";
export { MAX_MARKER_NESTING, parseMarker } from "./marker-parser.js";
export type {
  MarkerConstant,
  MarkerExpression,
  MarkerJunction,
  MarkerListVariable,
  MarkerOperator,
  MarkerStringVariable,
  MarkerTree,
  MarkerValue,
  MarkerVariable,
  MarkerVersionVariable,
} from "./marker-tree.js";
export { isVersionVariable, MARKER_FALSE, MARKER_TRUE, MARKER_VARIABLE_ALIASES } from "./marker-tree.js";
export { isValidName, normalizeName } from "./names.js";
export type { Requirement } from "./requirement.js";
export { parseRequirement } from "./requirement.js";
