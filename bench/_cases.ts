/**
 * The shapes the benchmark times, shared with the PyTorch script (which
 * reads them as JSON): the convolutions and matrix products of the DSL's
 * DCGAN 32 px and CIFAR ResNet networks at batch 64, and the toy MLP.
 *
 * @module
 */

/** A convolution layer, NHWC, filter `[k, k, inC, outC]`, "same" padding. */
export interface ConvCase {
  readonly name: string;
  readonly x: readonly [number, number, number, number];
  readonly k: number;
  readonly outC: number;
  readonly stride: number;
  /** Ops to time: forward, input gradient, filter gradient, transposed conv (a generator layer's forward = this conv's input gradient). */
  readonly ops: readonly ("fwd" | "dgrad" | "wgrad" | "tconv")[];
}

/** A matrix product `[m, k] · [k, n]` and its two gradients. */
export interface MatmulCase {
  readonly name: string;
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

/** Output side of a "same" convolution. */
export function outSide(side: number, stride: number): number {
  return Math.ceil(side / stride);
}

/** FLOPs of one conv op (forward and both gradients cost the same). */
export function convFlops(c: ConvCase): number {
  const [n, h, w, inC] = c.x;
  return 2 * n * outSide(h, c.stride) * outSide(w, c.stride) * c.outC * c.k *
    c.k * inC;
}

const B = 64;
const layer = ["fwd", "dgrad", "wgrad"] as const;
const generator = ["tconv", "wgrad"] as const;

/** The conv cases (DCGAN 32 px: D's conv stack and G's transposed convs, seen as the convs they transpose; ResNet: D and G 3 × 3 convs). */
export const CONV_CASES: readonly ConvCase[] = [
  {
    name: "dcgan D 3x3 s1 3→64 @32",
    x: [B, 32, 32, 3],
    k: 3,
    outC: 64,
    stride: 1,
    ops: layer,
  },
  {
    name: "dcgan D 4x4 s2 64→64 @32",
    x: [B, 32, 32, 64],
    k: 4,
    outC: 64,
    stride: 2,
    ops: layer,
  },
  {
    name: "dcgan D 4x4 s2 128→128 @16",
    x: [B, 16, 16, 128],
    k: 4,
    outC: 128,
    stride: 2,
    ops: layer,
  },
  {
    name: "dcgan D 3x3 s1 256→512 @4",
    x: [B, 4, 4, 256],
    k: 3,
    outC: 512,
    stride: 1,
    ops: layer,
  },
  {
    name: "dcgan G 4x4 s2 512→256 @4→8",
    x: [B, 8, 8, 256],
    k: 4,
    outC: 512,
    stride: 2,
    ops: generator,
  },
  {
    name: "dcgan G 4x4 s2 128→64 @16→32",
    x: [B, 32, 32, 64],
    k: 4,
    outC: 128,
    stride: 2,
    ops: generator,
  },
  {
    name: "resnet D 3x3 s1 128→128 @16",
    x: [B, 16, 16, 128],
    k: 3,
    outC: 128,
    stride: 1,
    ops: layer,
  },
  {
    name: "resnet G 3x3 s1 256→256 @8",
    x: [B, 8, 8, 256],
    k: 3,
    outC: 256,
    stride: 1,
    ops: layer,
  },
];

/** The matrix-product cases. */
export const MATMUL_CASES: readonly MatmulCase[] = [
  { name: "dcgan G dense 128→8192", m: B, k: 128, n: 8192 },
  { name: "dcgan D head 8192→1", m: B, k: 8192, n: 1 },
  { name: "toy MLP 512→512 (batch 256)", m: 256, k: 512, n: 512 },
];
