/**
 * Optimizers for weights and states (SGD with momentum, Adam, AdamW), learning-rate schedules,
 * gradient clipping, and {@link org.pcn4j.optim.OptimizerState}, the copy of an optimizer's state
 * that rollback and checkpoints save and restore.
 */
package org.pcn4j.optim;
