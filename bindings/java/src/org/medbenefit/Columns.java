package org.medbenefit;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Objects;

/**
 * The claims of many enrollees as columns ({@code mb_columns}), for {@link Settle#columns}: each
 * column a direct {@link ByteBuffer} in the platform's byte order that the library reads in
 * place, so no Java object stands for a claim. Row {@code i} is one claim of
 * {@code enrollees.get(enrollee().get(i))}; its line items are items
 * {@code itemStart().get(i)} to {@code itemStart().get(i + 1) - 1} of the item columns.
 *
 * <p>The required columns are allocated with the object (zeroed; {@code itemStart} has
 * {@code rows + 1} entries, the first 0). An optional column is allocated the first time its
 * getter is called, filled with its "none" ({@code -1} for an index, a class B ratio or an
 * upstream amount, {@code 0} for flags and dates); one never asked for is passed as NULL, which
 * the library reads as none for every row. Codes are the library's: {@link Claim.MedType#code()},
 * {@link Claim.Level#code()}, {@link Claim.ItemClass#code()}, {@link Claim.Flag#bit()}; dates
 * YYYYMMDD; amounts fen. Strings (facilities, diseases, treatments, facility categories) appear
 * once, in tables the index columns point into.
 *
 * <p><b>Threads:</b> not thread-safe while being filled; {@link Settle#columns} only reads it.
 */
public final class Columns {
    private final int rows, items;
    final ByteBuffer enrollee, date, medType, level, itemStart, itemFen, itemClass;
    ByteBuffer flags, facility, disease, treatment, admitted, discharged, prescriber, prescriberLevel,
            itemSelfpayBp, upCompliant, upBasic, upCritical, facilityCategory;
    StringTable facilities = StringTable.EMPTY, diseases = StringTable.EMPTY, treatments = StringTable.EMPTY,
            facilityCategories = StringTable.EMPTY, claimIds;

    private Columns(int rows, int items) {
        this.rows = rows;
        this.items = items;
        enrollee = buffer(rows, 4);
        date = buffer(rows, 4);
        medType = buffer(rows, 4);
        level = buffer(rows, 4);
        itemStart = buffer(rows + 1L, 8);
        itemFen = buffer(items, 8);
        itemClass = buffer(items, 4);
    }

    /** Columns for {@code rows} claims with {@code items} line items in all. */
    public static Columns allocate(int rows, int items) {
        if (rows < 0 || items < 0)
            throw new IllegalArgumentException("rows " + rows + " and items " + items + " must not be negative");
        return new Columns(rows, items);
    }

    public int rows() {
        return rows;
    }

    public int items() {
        return items;
    }

    private static ByteBuffer buffer(long n, int width) {
        if (n * width > Integer.MAX_VALUE)
            throw new IllegalArgumentException(n + " cells of " + width + " bytes do not fit one direct buffer");
        return ByteBuffer.allocateDirect((int) Math.max(1, n * width)).order(ByteOrder.nativeOrder());
    }

    private ByteBuffer optionalInts(ByteBuffer b, long n, int none) {
        if (b != null)
            return b;
        ByteBuffer out = buffer(n, 4);
        if (none != 0)
            for (int i = 0; i < n; i++)
                out.putInt(4 * i, none);
        return out;
    }

    private ByteBuffer optionalLongs(ByteBuffer b, long n, long none) {
        if (b != null)
            return b;
        ByteBuffer out = buffer(n, 8);
        for (int i = 0; i < n; i++)
            out.putLong(8 * i, none);
        return out;
    }

    // ---- required -------------------------------------------------------------------------------

    /** Each row's enrollee: an index into the list given to {@link Settle#columns}. */
    public IntBuffer enrollee() {
        return enrollee.asIntBuffer();
    }

    /** The claim's date, YYYYMMDD. */
    public IntBuffer date() {
        return date.asIntBuffer();
    }

    /** {@link Claim.MedType#code()}. */
    public IntBuffer medType() {
        return medType.asIntBuffer();
    }

    /** The facility's {@link Claim.Level#code()}. */
    public IntBuffer level() {
        return level.asIntBuffer();
    }

    /** {@code rows + 1} offsets into the item columns, from 0, never decreasing, the last at most
     *  {@link #items()} ({@link Settle#columns} refuses one beyond: the library would read past the
     *  item buffers). */
    public LongBuffer itemStart() {
        return itemStart.asLongBuffer();
    }

    /** Each item's amount in fen. */
    public LongBuffer itemFen() {
        return itemFen.asLongBuffer();
    }

    /** Each item's {@link Claim.ItemClass#code()}. */
    public IntBuffer itemClass() {
        return itemClass.asIntBuffer();
    }

    // ---- optional -------------------------------------------------------------------------------

    /** {@link Claim.Flag#bit()}s or'ed (default 0). */
    public IntBuffer flags() {
        return (flags = optionalInts(flags, rows, 0)).asIntBuffer();
    }

    /** An index into {@link #facilities}, -1 for none (default). */
    public IntBuffer facility() {
        return (facility = optionalInts(facility, rows, -1)).asIntBuffer();
    }

    /** An index into {@link #diseases}, -1 for none (default). */
    public IntBuffer disease() {
        return (disease = optionalInts(disease, rows, -1)).asIntBuffer();
    }

    /** An index into {@link #treatments}, -1 for none (default). */
    public IntBuffer treatment() {
        return (treatment = optionalInts(treatment, rows, -1)).asIntBuffer();
    }

    /** Inpatient admission date, YYYYMMDD, 0 for none (default). */
    public IntBuffer admitted() {
        return (admitted = optionalInts(admitted, rows, 0)).asIntBuffer();
    }

    /** Inpatient discharge date, YYYYMMDD, 0 for none (default). */
    public IntBuffer discharged() {
        return (discharged = optionalInts(discharged, rows, 0)).asIntBuffer();
    }

    /** The prescribing facility of a pharmacy claim: an index into {@link #facilities}, -1 for none. */
    public IntBuffer prescriber() {
        return (prescriber = optionalInts(prescriber, rows, -1)).asIntBuffer();
    }

    /** The prescriber's {@link Claim.Level#code()}. */
    public IntBuffer prescriberLevel() {
        return (prescriberLevel = optionalInts(prescriberLevel, rows, 0)).asIntBuffer();
    }

    /** Each item's class B first self-pay ratio in basis points, -1 for the ruleset's (default). */
    public IntBuffer itemSelfpayBp() {
        return (itemSelfpayBp = optionalInts(itemSelfpayBp, items, -1)).asIntBuffer();
    }

    /** Upstream policy-scope cost in fen ({@link Claim#setUpstream}); -1: nothing settled upstream (default). */
    public LongBuffer upCompliant() {
        return (upCompliant = optionalLongs(upCompliant, rows, -1)).asLongBuffer();
    }

    /** Upstream basic insurance paid, fen (read where {@link #upCompliant} is not -1). */
    public LongBuffer upBasic() {
        return (upBasic = optionalLongs(upBasic, rows, 0)).asLongBuffer();
    }

    /** Upstream critical illness paid, fen; -1: not settled upstream (default). */
    public LongBuffer upCritical() {
        return (upCritical = optionalLongs(upCritical, rows, -1)).asLongBuffer();
    }

    /** An index into {@link #facilityCategories}, -1 for none (default). */
    public IntBuffer facilityCategory() {
        return (facilityCategory = optionalInts(facilityCategory, rows, -1)).asIntBuffer();
    }

    // ---- the string tables ------------------------------------------------------------------

    /** The facility ids the facility and prescriber columns index. */
    public Columns facilities(String... ids) throws MedBenefitException {
        facilities = new StringTable(ids, "facility");
        return this;
    }

    /** The diseases (codes or names, as {@link Claim#setDisease} takes them) the disease column indexes. */
    public Columns diseases(String... names) throws MedBenefitException {
        diseases = new StringTable(names, "disease");
        return this;
    }

    /** The treatment lines the treatment column indexes. */
    public Columns treatments(String... names) throws MedBenefitException {
        treatments = new StringTable(names, "treatment");
        return this;
    }

    /** The facility categories the facility category column indexes. */
    public Columns facilityCategories(String... names) throws MedBenefitException {
        facilityCategories = new StringTable(names, "facility category");
        return this;
    }

    /**
     * Each row's claim id (optional): a committed row is recorded in its enrollee's journal under
     * it, and an id already settled fails its row; without ids rows are named by an ordinal.
     */
    public Columns claimIds(String... ids) throws MedBenefitException {
        if (ids.length != rows)
            throw new IllegalArgumentException(ids.length + " claim ids for " + rows + " rows");
        claimIds = new StringTable(ids, "claim id");
        return this;
    }

    static Pointer address(ByteBuffer b) {
        return b == null ? null : Native.getDirectBufferPointer(b);
    }

    /** An array of NUL-terminated UTF-8 strings in native memory, as the C tables are. */
    static final class StringTable {
        static final StringTable EMPTY = new StringTable();

        final Memory pointers, bytes;
        final int size;

        private StringTable() {
            pointers = bytes = null;
            size = 0;
        }

        StringTable(String[] strings, String what) throws MedBenefitException {
            Objects.requireNonNull(strings, what);
            byte[][] encoded = new byte[strings.length][];
            long total = 0;
            for (int i = 0; i < strings.length; i++) {
                encoded[i] = MedBenefit.utf8(Objects.requireNonNull(strings[i], what + " " + i), what);
                total += encoded[i].length;
            }
            size = strings.length;
            pointers = new Memory(8L * Math.max(1, size));
            bytes = new Memory(Math.max(1, total));
            long at = 0;
            for (int i = 0; i < size; i++) {
                bytes.write(at, encoded[i], 0, encoded[i].length);
                pointers.setPointer(8L * i, bytes.share(at));
                at += encoded[i].length;
            }
        }

        Pointer pointer() {
            return size == 0 ? null : pointers;
        }
    }
}
