/**
 * First-order optimizers over named parameters ({@link org.pcn4j.optim.Param}: values and
 * gradient as flat float arrays), used for the weights and, during inference, for the states: SGD
 * with momentum and Nesterov, Adam and AdamW, learning-rate {@link org.pcn4j.optim.Schedule}s and
 * global-norm gradient clipping. An optimizer keys its state by parameter position, so callers pass
 * the same list in the same order every step.
 *
 * <p>{@link org.pcn4j.optim.OptimizerState} is the copy of an optimizer's state that rollback and
 * checkpoints save and restore.
 */
package org.pcn4j.optim;
