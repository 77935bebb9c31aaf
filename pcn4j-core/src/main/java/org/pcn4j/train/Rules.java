package org.pcn4j.train;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.model.DenseBlock;
import org.pcn4j.model.Edge;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcNetwork;

/** Graph facts the built-in rules share. */
final class Rules {
    private Rules() {}

    /** bp, zil and fpa compute backprop's gradients on acyclic graphs: a fully connected block is a cycle. */
    static void requireNoBlock(PcNetwork net, String id) {
        if (!net.edges(DenseBlock.class).isEmpty()) {
            throw new PcnException(id + " needs an acyclic network; a fully connected block makes it cyclic");
        }
    }

    /** Edges on the longest path into any node (the depth of an acyclic network). */
    static int longestPath(PcNetwork net) {
        Map<Node, Integer> depth = new HashMap<>();
        int best = 0;
        for (Node n : net.topologicalOrder()) {
            int d = 0;
            for (Edge e : n.incoming()) {
                for (Node s : e.sources()) {
                    d = Math.max(d, depth.getOrDefault(s, 0) + 1);
                }
            }
            depth.put(n, d);
            best = Math.max(best, d);
        }
        return best;
    }

    /** For each edge, the number of edges on the shortest path from its target node to {@code target} (0 for the target's own edges). */
    static Map<Edge, Integer> distanceFromTarget(PcNetwork net, Node target) {
        Map<Node, Integer> dist = new HashMap<>();
        dist.put(target, 0);
        ArrayDeque<Node> q = new ArrayDeque<>();
        q.add(target);
        while (!q.isEmpty()) {
            Node n = q.poll();
            for (Edge e : n.incoming()) {
                for (Node s : e.sources()) {
                    if (!dist.containsKey(s)) {
                        dist.put(s, dist.get(n) + 1);
                        q.add(s);
                    }
                }
            }
        }
        Map<Edge, Integer> out = new LinkedHashMap<>();
        for (Edge e : net.edges()) {
            Integer d = null;
            for (Node t : e.targets()) {
                Integer dt = dist.get(t);
                if (dt != null && (d == null || dt < d)) {
                    d = dt;
                }
            }
            if (d == null) {
                throw new PcnException("zil: edge " + e.name() + " does not lead to the output node");
            }
            out.put(e, d);
        }
        return out;
    }
}
