/**
 * Numerical checks of the paper's theory: the Dirac-GAN models of section 4.3
 * with their local analysis and trajectories, and the relation loss as a
 * divergence (section 4.1). Every function returns evidence (eigenvalues,
 * trajectories, divergence estimates); printing and figures are left to the
 * caller (`theory/cli.ts`).
 *
 * Limitations: the local analysis looks at the declared equilibrium (the real
 * point) only; WGAN's clipping is a projection of the vector field, made
 * Lipschitz within 1e-3·clip of the box, and is not part of the Jacobian; a
 * run whose hinge switches on a sliding surface (which stalls `solveODE`) is
 * redone with |a| smoothed to √(a² + ε²) and says so in its `absSmoothing`.
 * In continuous time alternating and simultaneous descent share one vector
 * field; they differ only in the discrete verdicts.
 *
 * @module
 */

export * from "./dirac_model.ts";
export * from "./dirac_models.ts";
export * from "./vector_field.ts";
export * from "./local_analysis.ts";
export * from "./trajectory.ts";
export * from "./relation_divergence.ts";
export * from "./gradient_descent.ts";
