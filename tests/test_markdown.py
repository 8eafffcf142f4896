from grader.ingest.markdown import clean_path, extract

FENCE = "```"


def names(doc: str) -> list[str]:
    return [f.path for f in extract(doc).files]


def test_heading_names_the_block():
    doc = f"## File: lib/main.tf\n\n{FENCE}hcl\nresource \"aws_vpc\" \"a\" {{}}\n{FENCE}\n"
    assert names(doc) == ["lib/main.tf"]


def test_numbered_heading_names_the_block():
    doc = f"### 2. variables.tf\n{FENCE}hcl\nvariable \"x\" {{}}\n{FENCE}\n"
    assert names(doc) == ["variables.tf"]


def test_first_line_comment_names_the_block():
    doc = f"Some text.\n\n{FENCE}hcl\n# outputs.tf - all outputs\noutput \"a\" {{ value = 1 }}\n{FENCE}\n"
    assert names(doc) == ["outputs.tf"]


def test_preceding_text_line_names_the_block():
    doc = f"Create `lib/tap_stack.py`:\n\n{FENCE}python\nimport pulumi\n{FENCE}\n"
    assert names(doc) == ["lib/tap_stack.py"]


def test_info_string_names_the_block():
    doc = f'{FENCE}hcl title="network.tf"\nresource "aws_vpc" "a" {{}}\n{FENCE}\n'
    assert names(doc) == ["network.tf"]


def test_unnamed_blocks_are_assigned_by_language_and_content_and_recorded():
    doc = (f"{FENCE}hcl\nresource \"aws_vpc\" \"a\" {{}}\n{FENCE}\n\n"
           f"{FENCE}python\nclass TapStack:\n    pass\n{FENCE}\n")
    ex = extract(doc)
    assert [f.path for f in ex.files] == ["tap_stack.tf", "lib/tap_stack.py"]
    assert ex.unnamed == [1, 5]


def test_bash_block_under_a_tfvars_heading_is_not_that_file():
    doc = f"## Deploy with terraform.tfvars\n{FENCE}bash\nterraform apply\n{FENCE}\n"
    assert names(doc) == []


def test_answer_section_is_graded_not_the_trace():
    doc = (f"### Reasoning Trace\n{FENCE}hcl\n# draft.tf\nresource \"aws_vpc\" \"draft\" {{}}\n{FENCE}\n"
           f"### Answer\n{FENCE}hcl\n# main.tf\nresource \"aws_vpc\" \"final\" {{}}\n{FENCE}\n")
    ex = extract(doc)
    assert [f.path for f in ex.files] == ["main.tf"]
    assert ex.has_answer_section and not ex.used_trace


def test_trace_is_used_when_answer_has_no_code_and_that_is_recorded():
    doc = f"### Reasoning Trace\n{FENCE}hcl\n# main.tf\nresource \"aws_vpc\" \"a\" {{}}\n{FENCE}\n### Answer\nSee above.\n"
    ex = extract(doc)
    assert [f.path for f in ex.files] == ["main.tf"]
    assert ex.used_trace


def test_later_block_replaces_earlier_for_the_same_file():
    doc = (f"## main.tf\n{FENCE}hcl\nresource \"aws_vpc\" \"old\" {{}}\n{FENCE}\n"
           f"## main.tf\n{FENCE}hcl\nresource \"aws_vpc\" \"new\" {{}}\n{FENCE}\n")
    (f,) = extract(doc).files
    assert "new" in f.text and "old" not in f.text


def test_continued_block_extends_the_file():
    doc = (f"## main.tf\n{FENCE}hcl\nresource \"aws_vpc\" \"a\" {{}}\n{FENCE}\n"
           f"## main.tf (continued)\n{FENCE}hcl\nresource \"aws_vpc\" \"b\" {{}}\n{FENCE}\n")
    (f,) = extract(doc).files
    assert '"a"' in f.text and '"b"' in f.text


def test_unclosed_final_fence_is_truncation():
    doc = f"## main.tf\n{FENCE}hcl\nresource \"aws_vpc\" \"a\" {{\n  cidr_block = \"10.0.0.0/16\"\n"
    ex = extract(doc)
    assert ex.truncated
    assert not extract(doc + "}\n" + FENCE + "\n").truncated


def test_prose_only_answer_and_code_share():
    ex = extract("# Plan\n\nWe will build a VPC and a bucket.\n")
    assert ex.prose_only and ex.files == [] and ex.code_share == 0
    doc = f"## main.tf\n{FENCE}hcl\nresource \"aws_vpc\" \"a\" {{}}\n{FENCE}\n"
    assert 0 < extract(doc).code_share < 1


def test_nested_fences_inside_a_markdown_readme_do_not_leak_blocks():
    doc = (f"## README.md\n{FENCE}markdown\n# Title\n## main.tf\n{FENCE}hcl\nthis is an example\n{FENCE}\nmore\n{FENCE}\n"
           f"## main.tf\n{FENCE}hcl\nresource \"aws_vpc\" \"a\" {{}}\n{FENCE}\n")
    ex = extract(doc)
    assert [f.path for f in ex.files if f.path.endswith(".tf")] == ["main.tf"]
    assert "aws_vpc" in ex.files[-1].text


def test_test_files_and_directory_trees_are_not_graded():
    doc = (f"## tests/test_stack.py\n{FENCE}python\nimport pytest\n{FENCE}\n"
           f"{FENCE}\nlib/\n├── main.tf\n{FENCE}\n")
    assert names(doc) == []


def test_hostile_paths_are_made_safe():
    assert clean_path("../../etc/passwd") == "etc/passwd"
    assert clean_path("/abs/main.tf") == "abs/main.tf"
    assert clean_path("./lib/../lib/x.tf") == "lib/x.tf"
    doc = f"## File: ../../../x.tf\n{FENCE}hcl\nvariable \"a\" {{}}\n{FENCE}\n"
    assert names(doc) == ["x.tf"]


def test_unnamed_snippet_beside_named_files_is_not_delivered():
    doc = (f"## main.tf\n{FENCE}hcl\nresource \"aws_vpc\" \"a\" {{}}\n{FENCE}\n"
           f"Before:\n{FENCE}hcl\nresource \"aws_vpc\" \"a\" {{\n  ...\n}}\n{FENCE}\n")
    ex = extract(doc)
    assert [f.path for f in ex.files] == ["main.tf"]
    assert ex.unnamed == [6]


def test_a_fix_shown_again_in_part_does_not_replace_the_whole_file():
    whole = ('resource "aws_db_instance" "main" {\n  engine = "mysql"\n  instance_class = "db.t3.micro"\n'
             '  allocated_storage = 20\n  username = "admin"\n  skip_final_snapshot = true\n}\n\n'
             'resource "aws_db_subnet_group" "main" {\n  name = "db"\n  subnet_ids = ["a", "b"]\n}\n')
    excerpt = 'resource "aws_db_instance" "main" {\n  deletion_protection = false\n}\n'
    doc = f"## File: lib/rds.tf\n```hcl\n{whole}```\n### The fix\n```hcl\n# lib/rds.tf\n{excerpt}```\n"
    (f,) = extract(doc).files
    assert f.text == whole
    # a later block that declares something new, or is about as long, is a new version of the file
    rewrite = whole.replace('"main" {\n  name = "db"', '"db" {\n  name = "db"')
    doc = f"## File: lib/rds.tf\n```hcl\n{whole}```\n### Corrected\n```hcl\n# lib/rds.tf\n{rewrite}```\n"
    assert extract(doc).files[0].text == "# lib/rds.tf\n" + rewrite
    # a short Python file with its own imports is a rewrite, not an excerpt
    long_py = "import pulumi\n\nclass Stack:\n" + "    x = 1\n" * 40
    short_py = "import pulumi\n\nclass Stack:\n    pass\n"
    doc = f"## app.py\n```python\n{long_py}```\n## app.py\n```python\n{short_py}```\n"
    assert extract(doc).files[0].text == short_py
