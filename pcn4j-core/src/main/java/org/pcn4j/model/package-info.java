/**
 * The predictive coding model: {@link org.pcn4j.model.Node}s hold a batch of states, a clamp and an
 * energy; edges are parametric maps between nodes with their local derivatives (dense edges and
 * fully connected blocks); {@link org.pcn4j.model.PcNetwork} computes predictions, errors, energies,
 * dF/dx per free node and dF/dW per edge, each from local quantities only. A layered
 * {@link org.pcn4j.model.Mlp} is a chain of such nodes and edges; both it and a graph are a
 * {@link org.pcn4j.model.PcModel}. The algorithms that sequence these calls live in
 * {@code org.pcn4j.train}.
 */
package org.pcn4j.model;
