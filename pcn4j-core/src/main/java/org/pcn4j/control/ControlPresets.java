package org.pcn4j.control;

import java.util.Locale;
import org.pcn4j.PcnException;

/**
 * The plants and controller tunings of the experiments (docs/control.md says where each
 * number comes from). Arm AIC and u-AIC gains follow the u-AIC paper's reference simulation;
 * the mass-spring-damper tunings and both PIDs were chosen here (documented with the figures).
 */
public final class ControlPresets {
    /** Goal of the mass-spring-damper. */
    public static final double[] MSD_GOAL = {1.0};
    /** Goal of the arm. */
    public static final double[] ARM_GOAL = {-0.2, 0.3};
    /** |a| <= 50 on the mass-spring-damper. */
    public static final double MSD_LIMIT = 50;
    /** The arm's torques are not limited in the reference; a generous bound keeps runs finite. */
    public static final double ARM_LIMIT = 1e4;

    private ControlPresets() {}

    public static Plant plant(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "mass-spring-damper":
            case "msd":
                return MassSpringDamper.standard();
            case "arm2":
                return TwoLinkArm.standard();
            default:
                throw new PcnException("unknown plant '" + name + "' (expected mass-spring-damper or arm2)");
        }
    }

    public static double[] goal(Plant p) {
        return (p instanceof TwoLinkArm ? ARM_GOAL : MSD_GOAL).clone();
    }

    /** The AIC tuning for a plant. */
    public static ActiveInferenceController.Config aicConfig(Plant p) {
        if (p instanceof TwoLinkArm) {
            return new ActiveInferenceController.Config(1, 1, 1, 1, 200, 500, ARM_LIMIT);
        }
        return new ActiveInferenceController.Config(MSD_PI_Y0, MSD_PI_Y1, 1, 1, MSD_K_MU, MSD_K_A, MSD_LIMIT);
    }

    static final double MSD_PI_Y0 = 10;
    static final double MSD_PI_Y1 = 10;
    static final double MSD_K_MU = 5;
    static final double MSD_K_A = 200;

    public static Controller controller(String name, Plant p, double[] firstReading) {
        double[] goal = goal(p);
        int n = p.dof();
        boolean arm = p instanceof TwoLinkArm;
        switch (name.toLowerCase(Locale.ROOT)) {
            case "aic":
                return new ActiveInferenceController(aicConfig(p), goal, firstReading, new double[n], false);
            case "uaic":
            case "u-aic":
                return new UnbiasedActiveInferenceController(arm
                        ? new UnbiasedActiveInferenceController.Config(1, 1, 1, 1, 200, new double[] {250, 250},
                                new double[] {100, 20}, new double[] {ARM_KI, ARM_KI}, ARM_I_LIMIT, ARM_LIMIT)
                        : new UnbiasedActiveInferenceController.Config(1, 1, 1, 1, 200, new double[] {MSD_KP},
                                new double[] {MSD_KD}, new double[] {MSD_KI}, 10, MSD_LIMIT),
                        goal, firstReading);
            case "pid":
                return new PidController(arm
                        ? new PidController.Config(new double[] {250, 250}, new double[] {ARM_KI, ARM_KI},
                                new double[] {100, 20}, ARM_LIMIT)
                        : new PidController.Config(new double[] {MSD_KP}, new double[] {MSD_KI},
                                new double[] {MSD_KD}, MSD_LIMIT),
                        goal, new double[n]);
            default:
                throw new PcnException("unknown controller '" + name + "' (expected aic, uaic or pid)");
        }
    }

    static final double ARM_KI = 100;
    static final double ARM_I_LIMIT = 0.5;
    static final double MSD_KP = 20;
    static final double MSD_KI = 5;
    static final double MSD_KD = 6;
}
