package org.medbenefit;

/**
 * A call into libmedbenefit failed. Carries the library's status code, its stable name
 * ({@code mb_status_name}: "invalid_amount", "unknown_disease", "not_found" …) and the message
 * the library recorded for that very call in the calling thread's {@code mb_error} (for a
 * ruleset: with the file, line and key). Nothing the failed call was given has changed.
 */
public class MedBenefitException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String statusName;
    private final String detail;
    private final String file;
    private final int line;
    private final String key;

    MedBenefitException(int status, String detail) {
        this(status, detail, null, 0, null);
    }

    MedBenefitException(int status, String detail, String file, int line, String key) {
        super(MedBenefit.statusName(status) + ": " + detail);
        this.status = status;
        this.statusName = MedBenefit.statusName(status);
        this.detail = detail;
        this.file = file == null || file.isEmpty() ? null : file;
        this.line = line;
        this.key = key == null || key.isEmpty() ? null : key;
    }

    /** The mb_status code, negative. */
    public int status() {
        return status;
    }

    /** The stable name of the status, e.g. "invalid_amount" ({@code mb_status_name}). */
    public String statusName() {
        return statusName;
    }

    /** The library's message alone ({@code mb_error_message}), without the status name. */
    public String libraryMessage() {
        return detail;
    }

    /** The file the error is in (ruleset errors), or null. */
    public String file() {
        return file;
    }

    /** The 1-based line the error is at, or 0. */
    public int line() {
        return line;
    }

    /** The key or field the error is about, or null. */
    public String key() {
        return key;
    }
}
