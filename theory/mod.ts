/**
 * Numerical checks of the paper's theory: the Dirac-GAN models of section 4.3
 * with their local analysis and trajectories, and the relation loss as a
 * divergence (section 4.1). Every function returns evidence (eigenvalues,
 * trajectories, divergence estimates); printing and figures are left to the
 * caller (`theory/cli.ts`).
 *
 * Limitations: the Dirac-GAN equilibrium analysed is the declared one (the
 * real point); WGAN clipping is a projection of the vector field and is not
 * part of the Jacobian.
 *
 * @module
 */

export * from "./dirac_model.ts";
export * from "./dirac_models.ts";
export * from "./vector_field.ts";
export * from "./local_analysis.ts";
export * from "./trajectory.ts";
export * from "./relation_divergence.ts";
