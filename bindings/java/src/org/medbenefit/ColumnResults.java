package org.medbenefit;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Objects;

/**
 * Where {@link Settle#columns} writes ({@code mb_column_results}): direct buffers the library
 * fills in place. Row {@code i}'s amounts in fen are cells {@code i * WIDTH} to
 * {@code i * WIDTH + WIDTH - 1} of {@link #amounts()}, in {@link Amount} order ({@link #WIDTH}
 * is {@code Amount.values().length}); its status is 0 (settled) or the status it failed with
 * ({@link MedBenefit#statusName}); covered is 1 when its conditional benefit applied. A failed
 * row's amounts and covered are 0. Reusable: each call overwrites every row.
 *
 * <p><b>Threads:</b> not thread-safe while a call writes it.
 */
public final class ColumnResults {
    /** Cells per row of {@link #amounts()}: one per {@link Amount}. */
    public static final int WIDTH = Amount.values().length;

    private final int rows;
    final ByteBuffer amounts, status, covered;
    private int failed;
    private MedBenefitException first;

    private ColumnResults(int rows) {
        this.rows = rows;
        amounts = ByteBuffer.allocateDirect(Math.max(1, Math.multiplyExact(rows, 8 * WIDTH))).order(ByteOrder.nativeOrder());
        status = ByteBuffer.allocateDirect(Math.max(1, 4 * rows)).order(ByteOrder.nativeOrder());
        covered = ByteBuffer.allocateDirect(Math.max(1, 4 * rows)).order(ByteOrder.nativeOrder());
    }

    /** Room for the results of {@code rows} rows. */
    public static ColumnResults allocate(int rows) {
        if (rows < 0)
            throw new IllegalArgumentException("rows " + rows + " must not be negative");
        return new ColumnResults(rows);
    }

    public int rows() {
        return rows;
    }

    /** Every row's amounts in fen, row-major, {@link #WIDTH} cells a row. */
    public LongBuffer amounts() {
        return amounts.asLongBuffer();
    }

    /** Every row's status: 0, or the status it failed with. */
    public IntBuffer status() {
        return status.asIntBuffer();
    }

    /** Every row's covered flag: 1 when its conditional benefit applied. */
    public IntBuffer covered() {
        return covered.asIntBuffer();
    }

    /** An amount of row {@code i} in fen. */
    public long fen(int i, Amount which) {
        Objects.checkIndex(i, rows);
        return amounts.getLong(8 * (i * WIDTH + which.ordinal()));
    }

    /** An amount of row {@code i} in yuan, scale 2. */
    public BigDecimal amount(int i, Amount which) {
        return Money.ofFen(fen(i, which));
    }

    /** Whether row {@code i} settled. */
    public boolean ok(int i) {
        return status(i) == MedBenefit.MB_OK;
    }

    /** Row {@code i}'s status: 0, or the status it failed with. */
    public int status(int i) {
        Objects.checkIndex(i, rows);
        return status.getInt(4 * i);
    }

    /** Whether the conditional benefit applied to row {@code i}. */
    public boolean covered(int i) {
        Objects.checkIndex(i, rows);
        return covered.getInt(4 * i) != 0;
    }

    /** How many rows the last call failed. */
    public int failedCount() {
        return failed;
    }

    /** The failure of the last call's first failed row, as the library described it
     *  ("row 17 (claim C17): ..."), or null when every row settled. */
    public MedBenefitException firstError() {
        return first;
    }

    void prepare() {
        for (int i = 0; i < rows; i++)
            status.putInt(4 * i, MedBenefit.MB_OK);
        failed = 0;
        first = null;
    }

    void finish(MedBenefitException firstError) {
        int n = 0;
        for (int i = 0; i < rows; i++)
            if (status.getInt(4 * i) != MedBenefit.MB_OK)
                n++;
        failed = n;
        first = firstError;
    }
}
