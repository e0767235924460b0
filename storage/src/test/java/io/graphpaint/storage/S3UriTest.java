package io.graphpaint.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class S3UriTest {

    @Test
    void parsesAndPrintsTheSameUri() {
        S3Uri uri = S3Uri.parse("s3://graphpaint-models/models/sg/v3/model.json");
        assertThat(uri.bucket()).isEqualTo("graphpaint-models");
        assertThat(uri.key()).isEqualTo("models/sg/v3/model.json");
        assertThat(uri.isPrefix()).isFalse();
        assertThat(uri.toString()).isEqualTo("s3://graphpaint-models/models/sg/v3/model.json");
        assertThat(S3Uri.parse(uri.toString())).isEqualTo(uri);

        S3Uri prefix = S3Uri.parse("s3://graphpaint-models/models/sg/v3/");
        assertThat(prefix.isPrefix()).isTrue();
        assertThat(new S3Uri("bkt", ObjectKeys.image("r1", 2)).toString()).isEqualTo("s3://bkt/images/r1/2.png");
    }

    @Test
    void refusesMalformedUrisSayingWhatIsWrong() {
        assertThatThrownBy(() -> S3Uri.parse("http://bucket/key")).hasMessageContaining("s3://bucket/key");
        assertThatThrownBy(() -> S3Uri.parse(null)).hasMessageContaining("s3://bucket/key");
        assertThatThrownBy(() -> S3Uri.parse("s3://bucket")).hasMessageContaining("no object key");
        assertThatThrownBy(() -> S3Uri.parse("s3://bucket/")).hasMessageContaining("no object key");
        assertThatThrownBy(() -> S3Uri.parse("s3://Bad_Bucket/key"))
                .hasMessageContaining("Invalid bucket name 'Bad_Bucket'");
        assertThatThrownBy(() -> S3Uri.parse("s3://bucket//key")).hasMessageContaining("must not start with '/'");
        assertThatThrownBy(() -> S3Uri.parse("s3://bucket/a\u0001b")).hasMessageContaining("control character");
        assertThatThrownBy(() -> S3Uri.parse("s3://bucket/" + "k".repeat(1025))).hasMessageContaining("1025 UTF-8 bytes");
    }

    @Test
    void bucketNamesFollowS3Rules() {
        assertThat(BucketNames.isValid("graphpaint-images")).isTrue();
        assertThat(BucketNames.isValid("a.b-c")).isTrue();
        for (String bad : new String[] {"ab", "-abc", "abc-", "ABC", "a..b", "a_b", "192.168.1.1", "a".repeat(64), "a.-b"}) {
            assertThat(BucketNames.isValid(bad)).as(bad).isFalse();
        }
    }
}
