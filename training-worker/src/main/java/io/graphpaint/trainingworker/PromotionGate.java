package io.graphpaint.trainingworker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether a candidate version may replace the current one: it must not be worse than the base
 * version on the same validation graphs beyond the tolerances, on relation accuracy (absolute) and
 * FID (relative). A metric the base lacks (e.g. FID when too few images) is not compared.
 *
 * @param relationAccuracyTolerance candidate relation accuracy must be >= base - this, in [0, 1]
 * @param fidTolerance candidate FID must be <= base * (1 + this), >= 0
 */
public record PromotionGate(double relationAccuracyTolerance, double fidTolerance) {

  public static final String RELATION_ACCURACY = "relation_accuracy";
  public static final String FID = "fid";

  public PromotionGate {
    if (!(relationAccuracyTolerance >= 0 && relationAccuracyTolerance <= 1)) {
      throw new IllegalArgumentException("relationAccuracyTolerance must be within [0, 1], got " + relationAccuracyTolerance);
    }
    if (!(fidTolerance >= 0) || Double.isInfinite(fidTolerance)) {
      throw new IllegalArgumentException("fidTolerance must be finite and >= 0, got " + fidTolerance);
    }
  }

  /** The decision and, when refused, the reasons in words. */
  public record Decision(boolean promote, List<String> reasons) {
    public Decision {
      reasons = List.copyOf(reasons);
    }
  }

  public Decision decide(Map<String, Double> candidate, Map<String, Double> base) {
    List<String> reasons = new ArrayList<>();
    Double baseRelations = base.get(RELATION_ACCURACY);
    Double relations = candidate.get(RELATION_ACCURACY);
    if (baseRelations != null) {
      if (relations == null || !Double.isFinite(relations)) {
        reasons.add("candidate has no relation accuracy");
      } else if (relations < baseRelations - relationAccuracyTolerance) {
        reasons.add(String.format("relation accuracy %.4f is below the base's %.4f minus tolerance %.4f",
            relations, baseRelations, relationAccuracyTolerance));
      }
    }
    Double baseFid = base.get(FID);
    Double fid = candidate.get(FID);
    if (baseFid != null && Double.isFinite(baseFid)) {
      if (fid == null || !Double.isFinite(fid)) {
        reasons.add("candidate has no finite FID");
      } else if (fid > baseFid * (1 + fidTolerance)) {
        reasons.add(String.format("FID %.4f is above the base's %.4f times (1 + %.4f)", fid, baseFid, fidTolerance));
      }
    }
    return new Decision(reasons.isEmpty(), reasons);
  }
}
