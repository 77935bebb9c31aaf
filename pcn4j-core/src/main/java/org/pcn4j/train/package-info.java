/**
 * The algorithms: inference (relaxing the free states down dF/dx with the clamped ones fixed) and
 * the learning rules of the PC family (pc, ipc, fpa, zil, pc-nudge) beside backprop on the same
 * model. A training step reads as JPC's: initialize the states, solve inference, update the weights.
 * docs/algorithms.md states every rule as implemented and its relation to backprop.
 */
package org.pcn4j.train;
