/**
 * Temporal predictive coding (Millidge, Tang et al., PLoS Comput Biol 2024) and its control-theory
 * baselines, in double precision (issue #14).
 *
 * <p>{@link org.pcn4j.temporal.LinearSystem} is the state-space model (f = identity or tanh) and its
 * simulator; {@link org.pcn4j.temporal.TpcStep} is one time step as a three-node PC graph
 * (xhat_{k-1} clamped, x_k free, y_k clamped) with its local errors, energy and gradients;
 * {@link org.pcn4j.temporal.TpcFilter} runs it iteratively or at its closed-form linear equilibrium,
 * optionally learning A and C with the local rules ({@link org.pcn4j.temporal.TpcLearner}).
 * {@link org.pcn4j.temporal.KalmanFilter} is the optimal linear baseline and
 * {@link org.pcn4j.temporal.SteadyState} gives the analytic steady-state errors (discrete Lyapunov
 * for the constant-gain tPC equilibrium, Riccati for Kalman). See docs/temporal.md.
 */
package org.pcn4j.temporal;
