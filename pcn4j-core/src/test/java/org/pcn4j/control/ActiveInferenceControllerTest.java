package org.pcn4j.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pcn4j.PcnException;

class ActiveInferenceControllerTest {
    /**
     * With the belief pinned at the goal the AIC's action is a PI controller's, K_p = k_a pi_y1,
     * K_i = k_a pi_y0, on the same readings (velocity = the position's finite difference), run here
     * in closed loop on the mass-spring-damper: the two actions agree to rounding at every step.
     */
    @Test
    void pinnedBeliefGivesExactlyAPiController() {
        double dt = 1e-3;
        double goal = 1;
        ActiveInferenceController.Config cfg = new ActiveInferenceController.Config(0.7, 1.3, 1, 1, 5, 4,
                Double.POSITIVE_INFINITY);
        MassSpringDamper plant = MassSpringDamper.standard();
        double[] q = plant.initialPosition();
        double[] qd = plant.initialVelocity();
        Random rng = new Random(3);
        double y0 = q[0] + 1e-3 * rng.nextGaussian();
        double kp = cfg.kA() * cfg.piY1();
        double ki = cfg.kA() * cfg.piY0();
        double u0 = 0.25;
        ActiveInferenceController aic = new ActiveInferenceController(cfg, new double[] {goal}, new double[] {y0},
                new double[] {u0}, true);
        // The PI's constant absorbs the first reading: u = u0 + Kp (y0 - goal) + Kp (goal - y) + Ki sum dt (goal - y).
        PidController pi = new PidController(new PidController.Config(new double[] {kp}, new double[] {ki},
                new double[] {0}, Double.POSITIVE_INFINITY), new double[] {goal}, new double[] {u0 + kp * (y0 - goal)});
        double prev = y0;
        double maxAbs = 0;
        for (int k = 0; k < 15_000; k++) {
            double y = q[0] + 1e-3 * rng.nextGaussian();
            double[] ys = {y};
            double[] yd = {(y - prev) / dt};
            prev = y;
            double ua = aic.act(ys, yd, dt)[0];
            double up = pi.act(ys, yd, dt)[0];
            assertEquals(up, ua, 1e-9 * Math.max(1, Math.abs(up)), "step " + k);
            maxAbs = Math.max(maxAbs, Math.abs(ua));
            plant.step(q, qd, new double[] {ua}, dt);
            assertEquals(goal, aic.belief()[0]);
        }
        assertTrue(maxAbs > 1, "the test must exercise a non-trivial action");
    }

    @Test
    void aicReachesTheGoalOnTheMassSpringDamper() {
        Plant p = ControlPresets.plant("mass-spring-damper");
        Controller c = ControlPresets.controller("aic", p, p.initialPosition());
        ControlSimulation.Trajectory tr = ControlSimulation.run(p, c, new ControlSimulation.Config(15, 1e-3, 1e-3, 1, 0, 0));
        ControlMetrics m = ControlMetrics.of(tr);
        assertTrue(m.steadyStateError()[0] < 0.02, "steady-state error " + m.steadyStateError()[0]);
        for (double[] u : tr.action()) {
            assertTrue(Math.abs(u[0]) <= 50);
        }
    }

    /** Held still, the AIC's belief settles between the held position and the goal; the u-AIC's stays on the arm. */
    @Test
    void collisionBiasesTheAicBeliefButNotTheUnbiasedOne() {
        Plant arm = ControlPresets.plant("arm2");
        ControlSimulation.Config cfg = new ControlSimulation.Config(5, 1e-3, 1e-3, 2, 2, 3);
        for (String name : new String[] {"aic", "uaic"}) {
            Controller c = ControlPresets.controller(name, arm, arm.initialPosition());
            ControlSimulation.Trajectory tr = ControlSimulation.run(arm, c, cfg);
            int k = tr.t().length - 1;
            double held = tr.q()[k][0];
            double belief = tr.belief()[k][0];
            double goal = tr.goal()[0];
            double frac = (belief - held) / (goal - held);
            if (name.equals("aic")) {
                assertTrue(frac > 0.2 && frac < 0.8, "AIC belief fraction " + frac);
            } else {
                assertTrue(Math.abs(frac) < 0.02, "u-AIC belief fraction " + frac);
            }
        }
    }

    @Test
    void unknownNamesAreOneLineErrors() {
        assertEquals("unknown plant 'cart' (expected mass-spring-damper or arm2)",
                assertThrows(PcnException.class, () -> ControlPresets.plant("cart")).getMessage());
        Plant p = ControlPresets.plant("arm2");
        assertTrue(assertThrows(PcnException.class, () -> ControlPresets.controller("lqr", p, new double[2]))
                .getMessage().startsWith("unknown controller 'lqr'"));
    }

    @Test
    void armDynamicsHoldStillUnderGravityCompensation() {
        TwoLinkArm arm = TwoLinkArm.standard();
        double[] q = {0.3, -0.4};
        double[] acc = arm.acceleration(q, new double[2], arm.gravity(q));
        assertEquals(0, acc[0], 1e-12);
        assertEquals(0, acc[1], 1e-12);
        // Hanging straight down is an equilibrium without torque.
        double[] down = arm.acceleration(arm.initialPosition(), new double[2], new double[2]);
        assertEquals(0, down[0], 1e-12);
        assertEquals(0, down[1], 1e-12);
    }
}
