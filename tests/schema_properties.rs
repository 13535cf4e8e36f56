//! A bounded property test of the schema language: thousands of generated and
//! mutated schemas go through `check` (load and validate) and code generation.
//! Nothing may panic or hang; every schema that is accepted generates Rust that
//! parses; a sample of them is compiled against the runtime. The fuzz target in
//! `fuzz/` explores the same path without bounds (see its README note).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use pookie_grammar::Source;

/// A small deterministic generator (xorshift64*): the same cases on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const KEYWORDS: &[&str] = &[
    "type", "match", "self", "fn", "async", "meta", "new", "id", "pk",
];

/// A schema written from the language's building blocks: models (some with
/// keyword names), fields of every kind, relations between the models,
/// abstract parents, enums and meta options.
fn generated(rng: &mut Rng) -> String {
    let mut out = String::new();
    let enums = rng.below(2);
    for e in 0..enums {
        out.push_str(&format!("enum E{e} {{ a = \"a\"  b = \"b\" }}\n"));
    }
    let count = 1 + rng.below(3);
    let names: Vec<String> = (0..count)
        .map(|i| {
            if rng.chance(10) {
                rng.pick(&["type", "match", "Self_", "post"]).to_owned()
            } else {
                format!("M{i}")
            }
        })
        .collect();
    if rng.chance(30) {
        out.push_str(
            "abstract model Base {\n    created = DateTimeField(auto_now_add = true)\n}\n",
        );
    }
    for (i, name) in names.iter().enumerate() {
        let extends = if out.contains("abstract model Base") && rng.chance(50) {
            " : Base"
        } else {
            ""
        };
        out.push_str(&format!("model {name}{extends} {{\n"));
        let fields = rng.below(5);
        for f in 0..fields {
            let field_name = if rng.chance(10) {
                rng.pick(KEYWORDS).to_owned()
            } else {
                format!("f{f}")
            };
            let target = &names[rng.below(names.len())];
            let kind = match rng.below(18) {
                0 => format!("CharField(max_length = {})", 1 + rng.below(300)),
                1 => "TextField(null = true, blank = true)".to_owned(),
                2 => format!("IntegerField(default = {})", rng.below(100)),
                3 => "BigIntegerField(null = true)".to_owned(),
                4 => "FloatField(min_value = 0.0)".to_owned(),
                5 => "BooleanField(default = true)".to_owned(),
                6 => {
                    let digits = 1 + rng.below(40);
                    format!(
                        "DecimalField(max_digits = {digits}, decimal_places = {})",
                        rng.below(digits + 1)
                    )
                }
                7 => "DateTimeField(auto_now = true)".to_owned(),
                8 => "DateField(null = true)".to_owned(),
                9 => "UUIDField(unique = true)".to_owned(),
                10 => "JSONField(default = {})".to_owned(),
                11 => "ArrayField(CharField(max_length = 5), blank = true)".to_owned(),
                12 => "EmailField(unique = true)".to_owned(),
                13 => "SlugField()".to_owned(),
                14 => format!(
                    "ForeignKey({target}, on_delete = {}, null = true, related_name = \"r{i}_{f}\")",
                    rng.pick(&["CASCADE", "SET_NULL", "PROTECT"])
                ),
                15 => format!("OneToOneField({target}, on_delete = CASCADE, related_name = \"o{i}_{f}\")"),
                16 => format!("ManyToManyField({target}, related_name = \"m{i}_{f}\")"),
                _ if enums > 0 => "CharField(max_length = 1, choices = E0, default = E0.a)".to_owned(),
                _ => "BinaryField(null = true)".to_owned(),
            };
            out.push_str(&format!("    {field_name} = {kind}\n"));
        }
        if rng.chance(30) {
            out.push_str("    meta { ordering = [\"-id\"] }\n");
        } else if rng.chance(10) {
            out.push_str(&format!(
                "    meta {{ db_table = \"t{}\" }}\n",
                rng.below(3)
            ));
        }
        out.push_str("}\n");
    }
    out
}

const TOKENS: &[&str] = &[
    "model",
    "abstract",
    "enum",
    "meta",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "=",
    ",",
    ":",
    "\"",
    "///",
    "//",
    "CharField",
    "ForeignKey",
    "ArrayField(",
    "JSONField",
    "DecimalField",
    "null = true",
    "max_length = 0",
    "max_digits = 99999",
    "related_name = \"x\"",
    "on_delete = CASCADE",
    "primary_key = true",
    "unique = true",
    "self",
    "type",
    "0",
    "-1",
    "1.5",
    "\u{0}",
    "é",
    "\n",
];

/// `text` with one to three random edits: a removed range, an inserted token,
/// a duplicated, removed or swapped line.
fn mutated(rng: &mut Rng, text: &str) -> String {
    let mut text = text.to_owned();
    for _ in 0..1 + rng.below(3) {
        let boundary = |rng: &mut Rng, text: &str| {
            let mut at = rng.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        match rng.below(5) {
            0 => {
                let start = boundary(rng, &text);
                let mut end = (start + 1 + rng.below(20)).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.replace_range(start..end.max(start), "");
            }
            1 => {
                let at = boundary(rng, &text);
                let token = rng.pick(TOKENS);
                text.insert_str(at, token);
            }
            _ => {
                let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
                if lines.is_empty() {
                    continue;
                }
                let a = rng.below(lines.len());
                let b = rng.below(lines.len());
                match rng.below(3) {
                    0 => {
                        let line = lines[a].clone();
                        lines.insert(b, line);
                    }
                    1 => {
                        lines.remove(a);
                    }
                    _ => lines.swap(a, b),
                }
                text = lines.join("\n") + "\n";
            }
        }
    }
    text
}

/// Checks and generates one schema; `Some(files)` when it was accepted and
/// generated (every file parsed with syn).
fn run_case(text: &str) -> Option<Vec<(String, String)>> {
    let source = Source {
        path: "case.pookie".into(),
        text: text.to_owned(),
    };
    let started = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let schema = pookie_grammar::load(&[source]).ok()?;
        match pookie_codegen::Config::new().generate(&schema) {
            Ok(files) => Some(files),
            // Refused by the generator, which `pookie check` reports too.
            Err(pookie_codegen::Error::Unsupported { .. }) => None,
            Err(error) => panic!("an accepted schema broke the generator: {error}"),
        }
    }));
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(10),
        "took {elapsed:?}:\n{text}"
    );
    let files = match outcome {
        Ok(files) => files?,
        Err(_) => panic!("check or code generation panicked on:\n{text}"),
    };
    let files: Vec<(String, String)> = files
        .into_iter()
        .map(|(path, code)| (path.display().to_string(), code))
        .collect();
    for (path, code) in &files {
        if let Err(error) = syn::parse_file(code) {
            panic!("{path} does not parse ({error}); schema:\n{text}");
        }
    }
    Some(files)
}

#[test]
fn generated_and_mutated_schemas_never_panic_and_accepted_ones_generate_rust() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut seeds: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/schemas"))
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect();
    seeds.sort();
    let (mut accepted, mut total) = (0, 0);
    let started = Instant::now();
    let mut sample = Vec::new();
    for round in 0..1_500 {
        // Mutated example schemas are large (and slow to generate in a debug
        // build): one case in six; the rest are generated, half of them mutated.
        let text = match round % 6 {
            0 | 2 | 4 => generated(&mut rng),
            1 => {
                let seed = seeds[rng.below(seeds.len())].clone();
                mutated(&mut rng, &seed)
            }
            _ => {
                let base = generated(&mut rng);
                mutated(&mut rng, &base)
            }
        };
        total += 1;
        if let Some(files) = run_case(&text) {
            accepted += 1;
            if sample.len() < 2 && round % 6 == 0 && text.contains("ForeignKey") {
                sample.push(files);
            }
        }
    }
    eprintln!(
        "{total} schemas, {accepted} accepted, in {:?}",
        started.elapsed()
    );
    // The generator must keep producing valid schemas, or the test proves little.
    assert!(
        accepted * 5 > total,
        "only {accepted} of {total} schemas were accepted"
    );

    // A sample, and a model named after a keyword, compiled against the runtime.
    let keyword = "model type {\n    match = CharField(max_length = 10)\n    self = ForeignKey(type, on_delete = CASCADE, null = true, related_name = \"children\")\n}\n";
    sample.push(run_case(keyword).expect("a keyword-named model is supported"));
    let started = Instant::now();
    compile_sample(&sample);
    eprintln!("sample compiled in {:?}", started.elapsed());
}

/// Compiles each generated module (one crate each) with trybuild.
fn compile_sample(sample: &[Vec<(String, String)>]) {
    let dir = std::env::temp_dir().join(format!("pookie-schema-sample-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let cases = trybuild::TestCases::new();
    for (index, files) in sample.iter().enumerate() {
        let mut main = String::new();
        for (file, code) in files {
            let path = dir.join(format!("sample{index}_{file}"));
            std::fs::write(&path, code).unwrap();
            main.push_str(&format!(
                "#[allow(dead_code, unused_imports, non_camel_case_types)]\nmod case {{\n    include!({:?});\n}}\n",
                path.display().to_string()
            ));
        }
        main.push_str("fn main() {}\n");
        let case = dir.join(format!("sample{index}.rs"));
        std::fs::write(&case, main).unwrap();
        cases.pass(&case);
    }
    drop(cases); // runs the cases
    let _ = std::fs::remove_dir_all(&dir);
}
