package org.medbenefit.scenario;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A scenario file (../shared/spec/scenario.md, docs/scenario-format.md) read the way
 * {@code medbenefit} reads it with libcyaml: every value is kept as its text (so "1000.00" stays
 * "1000.00" and "2021-01-05" stays a string), unknown keys are an error with file and line,
 * aliases are refused. The result is a tree of {@link Obj} (mappings), {@code List} and
 * {@code String}.
 */
public final class ScenarioFile {
    private ScenarioFile() {}

    /** A mapping of the scenario with its known keys only. */
    public static final class Obj {
        private final Map<String, Object> values;
        private final int line;

        Obj(Map<String, Object> values, int line) {
            this.values = values;
            this.line = line;
        }

        /** A scalar's text, or null when the key is absent. */
        public String str(String key) {
            return (String) values.get(key);
        }

        /** A mapping, or null when absent. */
        public Obj obj(String key) {
            return (Obj) values.get(key);
        }

        /** A sequence of mappings; empty when absent. */
        @SuppressWarnings("unchecked")
        public List<Obj> objs(String key) {
            Object v = values.get(key);
            return v == null ? List.of() : (List<Obj>) v;
        }

        /** A sequence of scalars; empty when absent. */
        @SuppressWarnings("unchecked")
        public List<String> strs(String key) {
            Object v = values.get(key);
            return v == null ? List.of() : (List<String>) v;
        }

        public boolean has(String key) {
            return values.containsKey(key);
        }

        /** The 1-based line the mapping starts at. */
        public int line() {
            return line;
        }
    }

    /** The file cannot be read or does not follow the format; the message is "file:line: …". */
    public static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;

        FormatException(String message) {
            super(message);
        }
    }

    // ---- the schema, as tools/scenario.c declares it ---------------------------------------------

    /** PERIOD: a scalar that must be a year (2023) or a quarter (20232) in digits. */
    private enum Kind { SCALAR, PERIOD, SCALARS, MAP, MAPS }

    private record Field(Kind kind, Schema sub) {}

    private static final class Schema {
        final Map<String, Field> fields = new LinkedHashMap<>();

        Schema scalars(String... keys) {
            for (String k : keys)
                fields.put(k, new Field(Kind.SCALAR, null));
            return this;
        }

        Schema periods(String... keys) {
            for (String k : keys)
                fields.put(k, new Field(Kind.PERIOD, null));
            return this;
        }

        Schema add(String key, Kind kind, Schema sub) {
            fields.put(key, new Field(kind, sub));
            return this;
        }
    }

    private static final Schema FACILITY = new Schema().scalars("id", "level", "category");
    private static final Schema SCENARIO = new Schema()
            .scalars("name")
            .add("rulesets", Kind.SCALARS, null)
            .add("enrollee", Kind.MAP, new Schema()
                    .scalars("id", "scheme", "person_type", "account_balance", "designated_facility",
                            "first_visit_facility", "birth_date")
                    .add("diseases", Kind.MAPS, new Schema().scalars("name", "code", "certified_on", "valid_until"))
                    .add("assistance", Kind.MAPS, new Schema().scalars("category", "from", "to"))
                    .add("identities", Kind.MAPS, new Schema().scalars("name", "from", "to"))
                    .add("accumulators", Kind.MAPS, new Schema().scalars("ruleset", "key", "amount")
                            .periods("period")))
            .add("claims", Kind.MAPS, new Schema()
                    .scalars("id", "date", "med_type", "disease", "treatment", "admitted", "discharged",
                            "referral", "emergency", "out_of_area", "designated_specialty", "in_province",
                            "reverse")
                    .add("facility", Kind.MAP, FACILITY)
                    .add("prescribed_by", Kind.MAP, FACILITY)
                    .add("items", Kind.MAPS, new Schema().scalars("amount", "class", "first_selfpay_ratio"))
                    .add("upstream", Kind.MAP, new Schema().scalars("compliant", "basic", "critical_illness", "assistance"))
                    .add("expect", Kind.MAP, new Schema().scalars("fund_pay", "basic", "large_amount",
                            "critical_illness", "assistance", "acct_pay", "cash_pay", "deductible", "covered",
                            "error")
                            .add("cites", Kind.MAPS, new Schema().scalars("rule", "cite"))))
            .add("assessments", Kind.MAPS, new Schema()
                    .scalars("id", "disease")
                    .add("findings", Kind.SCALARS, null)
                    .add("expect", Kind.MAP, new Schema().scalars("certified", "unmet")));

    /** Read a scenario file ("-" is standard input). */
    public static Obj load(Path path) throws FormatException {
        String text;
        try {
            text = path.toString().equals("-")
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FormatException(path + ": cannot open");
        }
        return parse(text, path.toString());
    }

    /** Read scenario text; {@code name} is used in messages. */
    public static Obj parse(String text, String name) throws FormatException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(0);
        Node root;
        try (Reader r = new java.io.StringReader(text)) {
            root = new Yaml(options).compose(r);
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new FormatException(name + ":" + (m == null ? 0 : m.getLine() + 1) + ": "
                    + (e.getProblem() != null ? e.getProblem() : e.getMessage()));
        } catch (YAMLException | IOException e) {
            throw new FormatException(name + ":0: " + e.getMessage());
        }
        if (root == null)
            throw new FormatException(name + ":0: the file is empty");
        return (Obj) convert(root, new Field(Kind.MAP, SCENARIO), name, "scenario",
                Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    /**
     * tools/scenario.c int32_of(): an optional '-' then ASCII digits, within int; else null. Not
     * {@link Integer#parseInt}, which takes "+2023" and other scripts' digits.
     */
    static Integer int32(String text) {
        int start = text.startsWith("-") ? 1 : 0;
        if (text.length() == start)
            return null;
        for (int i = start; i < text.length(); i++)
            if (text.charAt(i) < '0' || text.charAt(i) > '9')
                return null;
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return null; // outside int
        }
    }

    private static int line(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }

    private static boolean nullish(Node n) {
        if (!(n instanceof ScalarNode s))
            return false;
        String v = s.getValue();
        return v.isEmpty() || v.equals("null") || v.equals("~");
    }

    private static Object convert(Node node, Field field, String file, String where, Set<Node> seen)
            throws FormatException {
        if (!seen.add(node))
            throw new FormatException(file + ":" + line(node) + ": " + where + ": aliases are not allowed");
        switch (field.kind()) {
            case SCALAR, PERIOD -> {
                if (!(node instanceof ScalarNode s))
                    throw new FormatException(file + ":" + line(node) + ": " + where + ": expected a scalar");
                if (field.kind() == Kind.PERIOD && !nullish(s) && int32(s.getValue()) == null)
                    throw new FormatException(file + ":" + line(node) + ": " + where + ": '" + s.getValue()
                            + "' is not a period: a year (2023) or a quarter (20232), in digits");
                return s.getValue();
            }
            case SCALARS, MAPS -> {
                if (nullish(node))
                    return null;
                if (!(node instanceof SequenceNode seq))
                    throw new FormatException(file + ":" + line(node) + ": " + where + ": expected a sequence");
                List<Object> out = new ArrayList<>();
                Field item = new Field(field.kind() == Kind.SCALARS ? Kind.SCALAR : Kind.MAP, field.sub());
                int i = 0;
                for (Node n : seq.getValue())
                    out.add(convert(n, item, file, where + "[" + i++ + "]", seen));
                return Collections.unmodifiableList(out);
            }
            case MAP -> {
                if (nullish(node) && !where.equals("scenario"))
                    return null;
                if (!(node instanceof MappingNode map))
                    throw new FormatException(file + ":" + line(node) + ": " + where + ": expected a mapping");
                Map<String, Object> values = new LinkedHashMap<>();
                for (NodeTuple t : map.getValue()) {
                    if (!(t.getKeyNode() instanceof ScalarNode k))
                        throw new FormatException(file + ":" + line(t.getKeyNode()) + ": " + where
                                + ": a key must be a scalar");
                    String key = k.getValue();
                    Field f = field.sub().fields.get(key);
                    if (f == null)
                        throw new FormatException(file + ":" + line(k) + ": Unexpected key: " + key);
                    if (values.containsKey(key))
                        throw new FormatException(file + ":" + line(k) + ": " + where + ": key '" + key
                                + "' given twice");
                    Object v = convert(t.getValueNode(), f, file, where.equals("scenario") ? key : where + "." + key,
                            seen);
                    if (v != null)
                        values.put(key, v);
                }
                return new Obj(Collections.unmodifiableMap(values), line(node));
            }
            default -> throw new AssertionError();
        }
    }
}
