package io.graphpaint.storage;

import java.util.regex.Pattern;

/**
 * The one rule for every caller-chosen identifier that becomes part of an object key or a file
 * name: request ids, model names and versions, dataset ids and versions, job names, file names.
 *
 * <p>An id matches {@code [A-Za-z0-9._-]{1,128}} and is neither {@code .} nor {@code ..}. The
 * rule has no slash, no backslash, no control characters and no empty segments, so a valid id
 * can never climb out of its prefix in a bucket or out of its directory on disk.
 */
public final class Ids {

    /** The rule in words, quoted in every rejection message. */
    public static final String RULE = "[A-Za-z0-9._-]{1,128} and not '.' or '..'";

    /** Longest id accepted. */
    public static final int MAX_LENGTH = 128;

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

    /** How much of a rejected value a message repeats; the rest is summarised by its length. */
    private static final int MAX_QUOTED = 64;

    private Ids() {
    }

    /** True when {@code id} satisfies {@link #RULE}. */
    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches() && !id.equals(".") && !id.equals("..");
    }

    /**
     * Returns {@code id} unchanged when valid.
     *
     * @param kind what the id names, used in the message (for example {@code "requestId"})
     * @throws IllegalArgumentException naming the kind, the offending value and the rule
     */
    public static String requireValid(String kind, String id) {
        if (isValid(id)) {
            return id;
        }
        throw new IllegalArgumentException(describeInvalid(kind, id));
    }

    /**
     * Validates a relative path made of ids joined by {@code /} (for files inside a model or
     * dataset version, e.g. {@code weights/unet.safetensors}). Every segment must satisfy
     * {@link #RULE}; leading, trailing and doubled slashes are refused.
     */
    public static String requireValidRelativePath(String kind, String relativePath) {
        if (relativePath == null || relativePath.isEmpty()) {
            throw new IllegalArgumentException("Invalid " + kind + " " + quote(relativePath)
                    + ": must be one or more segments separated by '/', each matching " + RULE);
        }
        for (String segment : relativePath.split("/", -1)) {
            if (!isValid(segment)) {
                throw new IllegalArgumentException("Invalid " + kind + " " + quote(relativePath)
                        + ": segment " + quote(segment) + " must match " + RULE);
            }
        }
        return relativePath;
    }

    static String describeInvalid(String kind, String id) {
        String reason;
        if (id == null) {
            reason = "is missing";
        } else if (id.isEmpty()) {
            reason = "is empty";
        } else if (id.length() > MAX_LENGTH) {
            reason = "is " + id.length() + " characters long, at most " + MAX_LENGTH + " allowed";
        } else if (id.equals(".") || id.equals("..")) {
            reason = "is a relative directory name";
        } else {
            reason = "contains " + describeFirstBadCharacter(id);
        }
        return "Invalid " + kind + " " + quote(id) + ": " + reason + "; it must match " + RULE;
    }

    private static String describeFirstBadCharacter(String id) {
        for (int i = 0; i < id.length(); ) {
            int cp = id.codePointAt(i);
            boolean ok = cp < 128 && (Character.isLetterOrDigit(cp) || cp == '.' || cp == '_' || cp == '-');
            if (!ok) {
                String shown = cp >= 0x20 && cp != 0x7f && !Character.isISOControl(cp)
                        ? "'" + new String(Character.toChars(cp)) + "'"
                        : String.format("U+%04X", cp);
                return "the character " + shown + " at index " + i;
            }
            i += Character.charCount(cp);
        }
        return "no allowed pattern";
    }

    /**
     * Quotes a possibly hostile value for an error message: control characters escaped, long
     * values cut, so a message can be logged safely.
     */
    static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("'");
        int shown = Math.min(value.length(), MAX_QUOTED);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('\'');
        if (value.length() > MAX_QUOTED) {
            out.append("... (").append(value.length()).append(" characters)");
        }
        return out.toString();
    }
}
