/**
 * Temporal predictive coding (Millidge, Tang et al., PLoS Comput Biol 2024) on the engine, and its
 * control-theory baselines in double precision (issue #14).
 *
 * <p>{@link org.pcn4j.temporal.LinearSystem} is the state-space model (f = identity or tanh) and its
 * simulator. {@link org.pcn4j.temporal.TpcNetwork} is one time step as an engine graph
 * ({@code org.pcn4j.model.PcNetwork}): xhat_{k-1}, u_k and y_k clamped, x_k free, dense edges for
 * A f(.), B and C f(.), full-precision Gaussian energies ({@link org.pcn4j.temporal.PrecisionEnergy})
 * with Q^-1 and R^-1, relaxed by {@code org.pcn4j.train.Inference}; its weight gradients are the
 * local learning rules. {@link org.pcn4j.temporal.TpcFilter} runs it (or the closed-form linear
 * equilibrium), optionally learning A and C ({@link org.pcn4j.temporal.TpcLearner}, several
 * sequences side by side in the engine's batch). {@link org.pcn4j.temporal.TpcStep} is the same
 * step written out in double: the tests' reference. {@link org.pcn4j.temporal.KalmanFilter} is the
 * optimal linear baseline and {@link org.pcn4j.temporal.SteadyState} gives the analytic
 * steady-state errors (discrete Lyapunov for the constant-gain tPC equilibrium, Riccati for Kalman).
 * See docs/temporal.md.
 */
package org.pcn4j.temporal;
