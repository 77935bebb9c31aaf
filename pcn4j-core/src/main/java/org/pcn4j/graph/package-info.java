/**
 * Arbitrary predictive coding graphs as a front end to {@code org.pcn4j.model}: a
 * {@link org.pcn4j.graph.GraphSpec} (nodes with roles and energies, edges, fully connected blocks),
 * parsed from YAML or JSON or built in Java, becomes a {@link org.pcn4j.graph.Graph}, which is a
 * {@code PcNetwork} and a {@code PcModel}. The package adds no mathematics of its own: everything a
 * graph computes is the model package's nodes and edges. {@link org.pcn4j.graph.Generative} holds the
 * generative queries (classify by energy, generate, complete) over such models.
 */
package org.pcn4j.graph;
