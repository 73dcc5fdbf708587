-- The one map from a file's extension (lower case, no dot) to its language: the projects'
-- languages (project_summary, GET /api/projects) and the technologies report read it.
create view file_languages (extension, language) as values
    ('bash', 'Shell'), ('c', 'C'), ('cc', 'C++'), ('cjs', 'JavaScript'),
    ('clj', 'Clojure'), ('cpp', 'C++'), ('cs', 'C#'), ('css', 'CSS'),
    ('cxx', 'C++'), ('dart', 'Dart'), ('erl', 'Erlang'), ('ex', 'Elixir'),
    ('exs', 'Elixir'), ('fs', 'F#'), ('go', 'Go'), ('graphql', 'GraphQL'),
    ('h', 'C'), ('hcl', 'HCL'), ('hh', 'C++'), ('hpp', 'C++'),
    ('hs', 'Haskell'), ('htm', 'HTML'), ('html', 'HTML'), ('ipynb', 'Jupyter Notebook'),
    ('java', 'Java'), ('jl', 'Julia'), ('js', 'JavaScript'), ('json', 'JSON'),
    ('jsx', 'JavaScript'), ('kt', 'Kotlin'), ('kts', 'Kotlin'), ('less', 'Less'),
    ('lua', 'Lua'), ('m', 'Objective-C'), ('md', 'Markdown'), ('mjs', 'JavaScript'),
    ('ml', 'OCaml'), ('mm', 'Objective-C'), ('nim', 'Nim'), ('php', 'PHP'),
    ('pl', 'Perl'), ('proto', 'Protocol Buffers'), ('ps1', 'PowerShell'), ('py', 'Python'),
    ('pyi', 'Python'), ('r', 'R'), ('rb', 'Ruby'), ('rs', 'Rust'),
    ('rst', 'reStructuredText'), ('sass', 'Sass'), ('scala', 'Scala'), ('scss', 'SCSS'),
    ('sh', 'Shell'), ('sol', 'Solidity'), ('sql', 'SQL'), ('svelte', 'Svelte'),
    ('swift', 'Swift'), ('tf', 'HCL'), ('toml', 'TOML'), ('ts', 'TypeScript'),
    ('tsx', 'TypeScript'), ('vue', 'Vue'), ('xml', 'XML'), ('yaml', 'YAML'),
    ('yml', 'YAML'), ('zig', 'Zig'), ('zsh', 'Shell');
