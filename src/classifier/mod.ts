/**
 * The MNIST classifier relgan trains for itself, the Stacked MNIST mode
 * count (paper section 5.1, table 1) with its `stacked_mnist_modes`
 * evaluator, and the classifier as a feature network for the metrics.
 *
 * @module
 */

export {
  type ClassifierArchitecture,
  createMnistClassifier,
  FULL_ARCHITECTURE,
  type MnistClassifier,
  mnistClassifierFromVariables,
  weightSpecs,
} from "./mnist_classifier.ts";
export {
  classifierAccuracy,
  type DigitSplit,
  type EpochRecord,
  splitDigits,
  type TrainClassifierOptions,
  trainMnistClassifier,
} from "./train_mnist_classifier.ts";
export {
  type ClassifierMetadata,
  DEFAULT_CLASSIFIER_DIR,
  type LoadedClassifier,
  loadMnistClassifier,
  saveMnistClassifier,
} from "./tfjs_model.ts";
export {
  countModes,
  type CountModesOptions,
  type ModeCount,
  stackedModeStatistics,
} from "./count_modes.ts";
export {
  stackedMnistModesEvaluator,
  type StackedMnistModesOptions,
} from "./stacked_mnist_modes_evaluator.ts";
export {
  loadMnistFeatureNetwork,
  mnistFeatureNetwork,
} from "./mnist_feature_network.ts";
