package org.pcn4j.fit;

import java.util.LinkedHashMap;
import java.util.Map;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.NudgeRule;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.util.Json;

/**
 * The training setup as a model file records it (metadata key {@code config}), in core names
 * ({@code {"algorithm": "pc", "inference": {"steps": 8, "lr": 0.1, ...}, "fit": {...}}}), and the
 * reader queries use. Files written before these names (flat CLI flag spellings such as
 * {@code "state-lr"}) still read.
 */
public final class FitMetadata {
    private FitMetadata() {}

    /** The inference settings a query falls back on; null fields: not recorded. */
    public record Inference(Integer steps, String optimizer, Double lr, Double momentum) {}

    /** {@code config} metadata for a model trained with {@code tc} and {@code fc}; {@code extra} entries are added at the top level. */
    public static Map<String, Object> describe(TrainConfig tc, FitConfig fc, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("algorithm", tc.rule().id());
        InferenceConfig i = tc.inference();
        Map<String, Object> inf = new LinkedHashMap<>();
        inf.put("steps", i.steps());
        inf.put("optimizer", i.optimizer().id());
        inf.put("lr", i.lr());
        inf.put("momentum", i.momentum());
        inf.put("energy_tolerance", i.energyTolerance());
        m.put("inference", inf);
        if (tc.rule() instanceof NudgeRule) {
            NudgeRule nudge = (NudgeRule) tc.rule();
            m.put("nudge", nudge.nudge().id());
            m.put("beta", nudge.beta());
        }
        m.put("clip_norm", tc.clipNorm());
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("task", fc.task().id());
        f.put("epochs", fc.epochs());
        f.put("batch_size", fc.batchSize());
        f.put("shuffle", fc.shuffle());
        f.put("seed", fc.seed());
        f.put("max_steps", fc.maxSteps());
        f.put("validation", fc.validation());
        f.put("keep", fc.keep().id());
        f.put("eval_inference_steps", fc.evalInferenceSteps());
        f.put("on_divergence", fc.onDivergence().id());
        m.put("fit", f);
        m.putAll(extra);
        return m;
    }

    /** The inference settings recorded in a model file's metadata (either naming), or all null. */
    public static Inference inference(Map<String, String> metadata) {
        Map<String, Object> cfg;
        try {
            String json = metadata.get("config");
            cfg = json == null ? Map.of() : Json.parseObject(json);
        } catch (RuntimeException e) {
            return new Inference(null, null, null, null);
        }
        Object inf = cfg.get("inference");
        if (inf instanceof Map) {
            Map<?, ?> i = (Map<?, ?>) inf;
            return new Inference(integer(i.get("steps")), string(i.get("optimizer")), number(i.get("lr")),
                    number(i.get("momentum")));
        }
        // Before core names: the train command's flags.
        return new Inference(integer(cfg.get("inference-steps")), string(cfg.get("state-optimizer")),
                number(cfg.get("state-lr")), number(cfg.get("state-momentum")));
    }

    private static Integer integer(Object o) {
        return o instanceof Number ? ((Number) o).intValue() : null;
    }

    private static Double number(Object o) {
        return o instanceof Number ? ((Number) o).doubleValue() : null;
    }

    private static String string(Object o) {
        return o instanceof String ? (String) o : null;
    }
}
