/**
 * Active-inference control (issue #14): plants ({@link org.pcn4j.control.MassSpringDamper},
 * {@link org.pcn4j.control.TwoLinkArm}), controllers that descend a free energy built from sensory
 * and dynamics prediction errors in generalized coordinates
 * ({@link org.pcn4j.control.ActiveInferenceController}, the unbiased
 * {@link org.pcn4j.control.UnbiasedActiveInferenceController}) and a {@link org.pcn4j.control.PidController}
 * baseline, closed-loop simulation with sensor noise and collisions
 * ({@link org.pcn4j.control.ControlSimulation}) and step-response figures
 * ({@link org.pcn4j.control.ControlMetrics}). Double precision, JDK only. See docs/control.md.
 */
package org.pcn4j.control;
