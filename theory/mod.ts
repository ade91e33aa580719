/**
 * Numerical checks of the paper's theory: the relation loss as a divergence
 * and the local convergence of Dirac-GANs.
 *
 * @module
 */

export {};
