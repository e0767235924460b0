package io.graphpaint.model.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Seeded scenes of the shapes world. Sample {@code i} of a split depends only on (config, split,
 * i), so any sample can be regenerated alone.
 *
 * <p>Rules: objects that are not nested keep their boxes at least {@code gap} pixels apart (so
 * two objects of one colour never touch, and no box contains another by accident); a nested
 * object has another colour than its container and lies inside the container's outline with
 * {@code gap} pixels to spare. Relationships follow sg2im's sampling (each object with one other,
 * random direction) and its box rules, restricted to pairs whose relation is unambiguous.
 */
public final class ShapesGenerator {

  private static final int SCENE_ATTEMPTS = 2_000;
  private static final int PLACEMENT_ATTEMPTS = 60;

  private final ShapesConfig config;
  private final List<String> labels = ShapesWorld.labels();
  private final List<List<String>> heldOutPairs;
  private final Set<String> heldOutKeys = new HashSet<>();

  public ShapesGenerator(ShapesConfig config) {
    this.config = config;
    List<List<String>> pairs = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      for (int j = i + 1; j < labels.size(); j++) {
        pairs.add(List.of(labels.get(i), labels.get(j)));
      }
    }
    Collections.shuffle(pairs, new Random(mix(config.seed(), 0x5EED_0001L, 0)));
    this.heldOutPairs = List.copyOf(pairs.subList(0, config.heldOutPairs()));
    for (List<String> pair : heldOutPairs) {
      heldOutKeys.add(pairKey(pair.get(0), pair.get(1)));
    }
  }

  public ShapesConfig config() {
    return config;
  }

  /** The label pairs kept out of train / val / test, each sorted by label order. */
  public List<List<String>> heldOutPairs() {
    return heldOutPairs;
  }

  public boolean isHeldOut(String a, String b) {
    return heldOutKeys.contains(pairKey(a, b));
  }

  private static String pairKey(String a, String b) {
    return a.compareTo(b) <= 0 ? a + "|" + b : b + "|" + a;
  }

  public static String sampleId(ShapesSplit split, int index) {
    return String.format("%s-%07d", split.id(), index);
  }

  /** Sample {@code index} of {@code split}. */
  public ShapesScene scene(ShapesSplit split, int index) {
    Random random = new Random(mix(config.seed(), split.ordinal() + 1, index));
    for (int attempt = 0; attempt < SCENE_ATTEMPTS; attempt++) {
      ShapesScene scene = tryScene(split, random);
      if (scene != null) {
        return scene;
      }
    }
    throw new IllegalStateException("could not lay out a scene for " + sampleId(split, index)
        + " in " + SCENE_ATTEMPTS + " attempts; the config asks for too many or too large objects: " + config);
  }

  private ShapesScene tryScene(ShapesSplit split, Random random) {
    int n = config.minObjects() + random.nextInt(config.maxObjects() - config.minObjects() + 1);
    List<String> chosen = chooseLabels(split, n, random);
    if (chosen == null) {
      return null;
    }
    // The forced pair of test_unseen sits at positions 0 and 1 until the final shuffle.
    List<ShapeInstance> placed = place(chosen, random);
    if (placed == null) {
      return null;
    }
    List<Relationship> relations = relate(placed, split == ShapesSplit.TEST_UNSEEN, random);
    if (relations == null) {
      return null;
    }
    return shuffle(placed, relations, random);
  }

  private List<String> chooseLabels(ShapesSplit split, int n, Random random) {
    List<String> chosen = new ArrayList<>(n);
    if (split == ShapesSplit.TEST_UNSEEN) {
      List<String> pair = heldOutPairs.get(random.nextInt(heldOutPairs.size()));
      chosen.add(pair.get(random.nextBoolean() ? 0 : 1));
      chosen.add(pair.get(0).equals(chosen.get(0)) ? pair.get(1) : pair.get(0));
    }
    while (chosen.size() < n) {
      chosen.add(labels.get(random.nextInt(labels.size())));
    }
    if (split != ShapesSplit.TEST_UNSEEN) {
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          if (isHeldOut(chosen.get(i), chosen.get(j))) {
            return null;
          }
        }
      }
    }
    return chosen;
  }

  /** Smallest container side whose inner square leaves room for a nested object and the gap. */
  private int smallestContainer(ShapeKind kind) {
    double fraction = kind.innerSquare(0, 0, 1)[2] - kind.innerSquare(0, 0, 1)[0];
    return (int) Math.ceil((config.minObjectSize() + 2.0 * config.gap()) / fraction);
  }

  private List<ShapeInstance> place(List<String> chosen, Random random) {
    int n = chosen.size();
    int[] containerOf = new int[n];
    int[] childOf = new int[n];
    java.util.Arrays.fill(containerOf, -1);
    java.util.Arrays.fill(childOf, -1);
    for (int i = 0; i < n; i++) {
      if (containerOf[i] >= 0 || random.nextDouble() >= config.insideProbability()) {
        continue;
      }
      ShapeKind kind = ShapesWorld.kindOf(chosen.get(i));
      if (smallestContainer(kind) > config.maxContainerSize()) {
        continue;
      }
      for (int j = 0; j < n; j++) {
        if (j != i && containerOf[j] < 0 && childOf[j] < 0 && containerOf[i] < 0
            && !ShapesWorld.colourOf(chosen.get(j)).equals(ShapesWorld.colourOf(chosen.get(i)))) {
          containerOf[j] = i;
          childOf[i] = j;
          break;
        }
      }
    }
    int canvas = config.canvasSize();
    ShapeInstance[] result = new ShapeInstance[n];
    List<Box> topBoxes = new ArrayList<>();
    // Containers first: they need the most room.
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (childOf[i] >= 0) {
        order.add(i);
      }
    }
    for (int i = 0; i < n; i++) {
      if (childOf[i] < 0 && containerOf[i] < 0) {
        order.add(i);
      }
    }
    for (int i : order) {
      ShapeKind kind = ShapesWorld.kindOf(chosen.get(i));
      ShapeColour colour = ShapesWorld.colourOf(chosen.get(i));
      int lo = childOf[i] >= 0 ? smallestContainer(kind) : config.minObjectSize();
      int hi = childOf[i] >= 0 ? config.maxContainerSize() : config.maxObjectSize();
      int size = lo + random.nextInt(hi - lo + 1);
      ShapeInstance found = null;
      while (found == null && size >= lo) {
        for (int attempt = 0; attempt < PLACEMENT_ATTEMPTS && found == null; attempt++) {
          int x = random.nextInt(canvas - size + 1);
          int y = random.nextInt(canvas - size + 1);
          Box box = new Box(x, y, x + size, y + size);
          if (clearOfAll(box, topBoxes)) {
            found = new ShapeInstance(kind, colour, x, y, size, -1);
          }
        }
        size--;
      }
      if (found == null) {
        return null;
      }
      result[i] = found;
      topBoxes.add(found.box());
    }
    for (int j = 0; j < n; j++) {
      int c = containerOf[j];
      if (c < 0) {
        continue;
      }
      ShapeInstance container = result[c];
      double[] inner = container.kind().innerSquare(container.x(), container.y(), container.size());
      int x0 = (int) Math.ceil(inner[0] + config.gap());
      int y0 = (int) Math.ceil(inner[1] + config.gap());
      int x1 = (int) Math.floor(inner[2] - config.gap());
      int y1 = (int) Math.floor(inner[3] - config.gap());
      int maxSize = Math.min(x1 - x0, y1 - y0);
      if (maxSize < config.minObjectSize()) {
        return null;
      }
      int size = config.minObjectSize() + random.nextInt(Math.min(maxSize, config.maxObjectSize()) - config.minObjectSize() + 1);
      int x = x0 + random.nextInt(x1 - x0 - size + 1);
      int y = y0 + random.nextInt(y1 - y0 - size + 1);
      result[j] = new ShapeInstance(ShapesWorld.kindOf(chosen.get(j)), ShapesWorld.colourOf(chosen.get(j)),
          x, y, size, c);
    }
    return List.of(result);
  }

  private boolean clearOfAll(Box box, List<Box> others) {
    int gap = config.gap();
    for (Box o : others) {
      boolean overlapX = box.x0() < o.x1() + gap && o.x0() < box.x1() + gap;
      boolean overlapY = box.y0() < o.y1() + gap && o.y0() < box.y1() + gap;
      if (overlapX && overlapY) {
        return false;
      }
    }
    return true;
  }

  private boolean nested(List<ShapeInstance> objects, int a, int b) {
    return objects.get(a).container() == b || objects.get(b).container() == a;
  }

  private boolean clear(List<ShapeInstance> objects, int a, int b) {
    if (nested(objects, a, b)) {
      return true;
    }
    double margin = Math.toRadians(config.minRelationAngleDegrees());
    return BoxRelations.angularMargin(objects.get(a).box(), objects.get(b).box()) >= margin;
  }

  private List<Relationship> relate(List<ShapeInstance> objects, boolean forceFirstPair, Random random) {
    int n = objects.size();
    Set<String> seen = new HashSet<>();
    List<Relationship> relations = new ArrayList<>();
    for (int cur = 0; cur < n; cur++) {
      List<Integer> candidates = new ArrayList<>();
      if (forceFirstPair && cur == 0) {
        if (!clear(objects, 0, 1)) {
          return null;
        }
        candidates.add(1);
      } else {
        for (int other = 0; other < n; other++) {
          if (other != cur && clear(objects, cur, other)) {
            candidates.add(other);
          }
        }
      }
      if (candidates.isEmpty()) {
        return null;
      }
      int other = candidates.get(random.nextInt(candidates.size()));
      int s = random.nextDouble() > 0.5 ? cur : other;
      int o = s == cur ? other : cur;
      String predicate = BoxRelations.predicate(objects.get(s).box(), objects.get(o).box());
      if (seen.add(s + "|" + predicate + "|" + o)) {
        relations.add(new Relationship(s, predicate, o));
      }
    }
    return relations;
  }

  /** Random object order, so that position in the list says nothing about nesting or pairs. */
  private ShapesScene shuffle(List<ShapeInstance> objects, List<Relationship> relations, Random random) {
    int n = objects.size();
    List<Integer> permutation = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      permutation.add(i);
    }
    Collections.shuffle(permutation, random);
    int[] newIndex = new int[n];
    for (int k = 0; k < n; k++) {
      newIndex[permutation.get(k)] = k;
    }
    List<ShapeInstance> reordered = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      ShapeInstance o = objects.get(permutation.get(k));
      int container = o.container() < 0 ? -1 : newIndex[o.container()];
      reordered.add(new ShapeInstance(o.kind(), o.colour(), o.x(), o.y(), o.size(), container));
    }
    List<Relationship> remapped = new ArrayList<>();
    for (Relationship r : relations) {
      remapped.add(new Relationship(newIndex[r.subject()], r.predicate(), newIndex[r.object()]));
    }
    return new ShapesScene(config.canvasSize(), reordered, remapped);
  }

  /** SplitMix64 finaliser over the three inputs: independent streams per (seed, split, index). */
  static long mix(long seed, long a, long b) {
    long z = seed + 0x9E3779B97F4A7C15L * (a + 1) + 0xBF58476D1CE4E5B9L * (b + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
