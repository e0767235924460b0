package io.graphpaint.model.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShapesGeneratorTest {

  private final ShapesConfig config = ShapesConfig.defaults(7, 32, 300, 20, 100, 100);
  private final ShapesGenerator generator = new ShapesGenerator(config);

  @Test
  void worldHasTwentyFourLabelsAndSg2imCocoPredicates() {
    assertThat(ShapesWorld.labels()).hasSize(24).contains("red circle", "black cross", "yellow triangle");
    Vocabulary vocab = ShapesWorld.vocabulary();
    assertThat(vocab.predicates()).containsExactly("left of", "right of", "above", "below", "inside", "surrounding");
    assertThat(vocab.objectIndex("red circle")).isEqualTo(1);
  }

  @Test
  void scenesFollowTheRules() {
    for (ShapesSplit split : ShapesSplit.values()) {
      for (int i = 0; i < config.count(split); i++) {
        ShapesScene scene = generator.scene(split, i);
        List<ShapeInstance> objects = scene.objects();
        assertThat(objects.size()).isBetween(config.minObjects(), config.maxObjects());
        assertThat(scene.relationships()).isNotEmpty();
        for (int a = 0; a < objects.size(); a++) {
          ShapeInstance oa = objects.get(a);
          assertThat(oa.x()).isGreaterThanOrEqualTo(0);
          assertThat(oa.x() + oa.size()).isLessThanOrEqualTo(32);
          for (int b = a + 1; b < objects.size(); b++) {
            ShapeInstance ob = objects.get(b);
            boolean nested = oa.container() == b || ob.container() == a;
            if (nested) {
              assertThat(oa.colour()).isNotEqualTo(ob.colour());
            } else if (oa.container() < 0 && ob.container() < 0) {
              double dx = Math.max(oa.box().x0() - ob.box().x1(), ob.box().x0() - oa.box().x1());
              double dy = Math.max(oa.box().y0() - ob.box().y1(), ob.box().y0() - oa.box().y1());
              assertThat(Math.max(dx, dy)).as("gap between %s and %s", oa, ob).isGreaterThanOrEqualTo(config.gap());
            }
            if (split != ShapesSplit.TEST_UNSEEN) {
              assertThat(generator.isHeldOut(oa.label(), ob.label())).isFalse();
            }
          }
        }
        for (Relationship r : scene.relationships()) {
          assertThat(r.predicate()).isEqualTo(
              BoxRelations.predicate(objects.get(r.subject()).box(), objects.get(r.object()).box()));
        }
        if (split == ShapesSplit.TEST_UNSEEN) {
          boolean relatedHeldOutPair = scene.relationships().stream().anyMatch(r -> generator.isHeldOut(
              objects.get(r.subject()).label(), objects.get(r.object()).label()));
          assertThat(relatedHeldOutPair).isTrue();
        }
      }
    }
  }

  @Test
  void someScenesNestObjects() {
    long inside = 0;
    for (int i = 0; i < 300; i++) {
      inside += generator.scene(ShapesSplit.TRAIN, i).relationships().stream()
          .filter(r -> r.predicate().equals("inside") || r.predicate().equals("surrounding")).count();
    }
    assertThat(inside).isGreaterThan(20);
  }

  @Test
  void captionSpellsOutTheRelations() {
    ShapesScene scene = new ShapesScene(32, List.of(
        new ShapeInstance(ShapeKind.CIRCLE, ShapeColour.RED, 2, 2, 8, -1),
        new ShapeInstance(ShapeKind.SQUARE, ShapeColour.BLUE, 20, 2, 8, -1),
        new ShapeInstance(ShapeKind.CROSS, ShapeColour.GREEN, 2, 20, 8, -1)),
        List.of(new Relationship(0, "left of", 1)));
    assertThat(scene.caption()).isEqualTo("a red circle left of a blue square, a green cross");
  }

  @Test
  void datasetIsReproducibleToTheByteAndReadBack(@TempDir Path dir) throws Exception {
    ShapesConfig small = ShapesConfig.defaults(11, 32, 20, 5, 5, 5);
    ShapesDatasets.Summary one = ShapesDatasets.make(small, new DirectoryBlobStore(dir.resolve("a")), 1);
    ShapesDatasets.make(small, new DirectoryBlobStore(dir.resolve("b")), 2);
    assertThat(one.samples()).isEqualTo(35);
    byte[] manifestA = Files.readAllBytes(dir.resolve("a/manifest.jsonl"));
    assertThat(manifestA).isEqualTo(Files.readAllBytes(dir.resolve("b/manifest.jsonl")));
    List<ManifestEntry> entries = Manifest.read(dir.resolve("a/manifest.jsonl"));
    assertThat(entries).hasSize(35);
    for (ManifestEntry e : entries) {
      assertThat(Files.readAllBytes(dir.resolve("a").resolve(e.image())))
          .isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(e.image())));
    }
    ManifestEntry first = entries.get(0);
    assertThat(first.id()).isEqualTo("train-0000000");
    ShapesScene scene = new ShapesGenerator(small).scene(ShapesSplit.TRAIN, 0);
    assertThat(first.graph()).isEqualTo(scene.graph());
    assertThat(first.caption()).isEqualTo(scene.caption());
    assertThat(first.boxes()).isEqualTo(scene.normalizedBoxes());
    BufferedImage png = javax.imageio.ImageIO.read(dir.resolve("a").resolve(first.image()).toFile());
    BufferedImage rendered = ShapesWorld.render(scene);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        assertThat(png.getRGB(x, y)).isEqualTo(rendered.getRGB(x, y));
      }
    }
    assertThat(Vocabulary.load(dir.resolve("a/vocab.json"))).isEqualTo(ShapesWorld.vocabulary());
    assertThat(entries.stream().map(ManifestEntry::split).distinct())
        .containsExactly("train", "val", "test", "test_unseen");
  }

  @Test
  void datasetInfoRegeneratesTheSameManifest(@TempDir Path dir) throws Exception {
    ShapesConfig small = ShapesConfig.defaults(42, 64, 6, 2, 2, 2);
    DirectoryBlobStore store = new DirectoryBlobStore(dir.resolve("a"));
    ShapesDatasets.make(small, store, 1);
    ShapesDatasets.Info info = ShapesDatasets.readInfo(store);
    assertThat(info.config()).isEqualTo(small);
    assertThat(info.samples()).isEqualTo(12);
    assertThat(info.heldOutPairs()).isEqualTo(new ShapesGenerator(small).heldOutPairs()).hasSize(12);
    DirectoryBlobStore again = new DirectoryBlobStore(dir.resolve("b"));
    ShapesDatasets.make(info.config(), again, 1);
    assertThat(again.get(Manifest.FILE_NAME)).isEqualTo(store.get(Manifest.FILE_NAME));
  }

  @Test
  void badConfigsAndKeysAreRefusedWithTheirRange(@TempDir Path dir) {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ShapesConfig.defaults(1, 48, 1, 0, 0, 0))
        .hasMessageContaining("canvasSize must be 32 or 64, got 48");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ShapesConfig.builder(1, 32).optObjects(2, 9).build())
        .hasMessageContaining("maxObjects <= 8");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ShapesConfig.builder(1, 32).optInsideProbability(1.5).build())
        .hasMessageContaining("insideProbability must be within [0, 1], got 1.5");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ShapesConfig.builder(1, 32).optObjectSizes(7, 12, 17).build())
        .hasMessageContaining("maxContainerSize <= 16");
    assertThat(ShapesConfig.builder(3, 64).optCounts(1, 2, 3, 4).build())
        .isEqualTo(ShapesConfig.defaults(3, 64, 1, 2, 3, 4));
    assertThat(config.toBuilder().optGap(3).build().gap()).isEqualTo(3);
    DirectoryBlobStore store = new DirectoryBlobStore(dir);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.put("../escape.png", new byte[1]))
        .hasMessageContaining("outside the store");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.get("/etc/passwd"))
        .hasMessageContaining("relative");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.get("missing.png"))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
  }
}
