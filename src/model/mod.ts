/**
 * The model in full: {@linkcode Network} and how it is built, validated, saved and loaded; every
 * layer kind (its `Layer` class and its factory: {@linkcode DENSE}, {@linkcode RD},
 * {@linkcode CONV}, {@linkcode MAXPOOL}, {@linkcode AVGPOOL}, {@linkcode DROPOUT}); every
 * training rule ({@linkcode BP}, {@linkcode FA}, {@linkcode DFA}, {@linkcode CDFA},
 * {@linkcode USF}, {@linkcode BRSF}, {@linkcode FRSF}, {@linkcode DRTP}); the shapes, the signals
 * the rules send, the workspace of a batch, the losses and the initialisations.
 *
 * @example Every layer kind and every rule, by name and by constant
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { DFA, DROPOUT, FEEDBACK_RULES, LAYER_KINDS } from "./mod.ts";
 * assertEquals(FEEDBACK_RULES.dfa, DFA);
 * assertEquals(LAYER_KINDS.dropout, DROPOUT);
 * ```
 *
 * @module
 */

export { Network } from "./network.ts";
export { createNetwork } from "./network_factory.ts";
export {
  FEEDBACK_POINTS,
  type FeedbackPoint,
  type NetworkConfig,
  networkConfig,
  type NetworkOptions,
} from "./network_config.ts";
export { type Architecture, LENET5, parseArchitecture } from "./architecture.ts";
export { checkValues, feedbackShape, feedbackShapes, weightShapes } from "./shapes.ts";
export { loadNetwork, networkFromArrays, networkToArrays, saveNetwork } from "./serialize.ts";

// Layer kinds.
export type { Layer, LayerFactory, LayerInit, LayerSpec } from "./layers/layer.ts";
export { LAYER_KINDS, type LayerKind } from "./layers/registry.ts";
export { DENSE, DenseLayer } from "./layers/dense.ts";
export { RD, RdLayer } from "./layers/rd.ts";
export { CONV, ConvLayer } from "./layers/conv2d.ts";
export { AVGPOOL, MAXPOOL, PoolLayer } from "./layers/pool.ts";
export { DROPOUT, DropoutLayer } from "./layers/dropout.ts";

// Rules.
export type { FeedbackRule, SignalArgs } from "./rules/rule.ts";
export { FEEDBACK_RULES, type Rule, RULE_NAMES, RULES } from "./rules/registry.ts";
export { BP } from "./rules/bp.ts";
export { FA } from "./rules/fa.ts";
export { CDFA, DFA } from "./rules/dfa.ts";
export { BRSF, FRSF, USF } from "./rules/sign_concordant.ts";
export { DRTP } from "./rules/drtp.ts";
export { passesDown, type RuleState, ruleState, sendSignal, type SignalSource } from "./signals.ts";

// What a network computes with.
export type { Param } from "./param.ts";
export { type BatchResult, Workspace } from "./workspace.ts";
export { checkMemory, DEFAULT_MAX_BYTES, LAYER_BYTES, parameterBytes } from "./memory.ts";
export { type Activation, ACTIVATIONS } from "../kernels/activations.ts";
export { countErrors, type Loss, lossAndError, LOSSES } from "./loss.ts";
export {
  FEEDBACK_INITS,
  type FeedbackInit,
  type Init,
  initialize,
  initializeFeedback,
  INITS,
} from "./init.ts";
