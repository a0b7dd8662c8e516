#!/usr/bin/env python3
"""Shell completion: completions/darkscan.bash and completions/_darkscan (zsh) know every option of
`darkscan --help` and `darkscan merge --help` and every preset of `--list-formats`, so they cannot
drift from the CLI; and they complete what they should. bash runs `_darkscan` with COMP_WORDS set as
readline would, with and (when installed) without bash-completion's helpers; zsh, when installed,
checks the syntax and completes for real in a pseudo-terminal, capturing matches by wrapping
`compadd`. Binary from DARKSCAN (default build/darkscan under the repo root)."""

import os
import pty
import re
import select
import shutil
import subprocess
import tempfile
import time
import unittest

import harness

ROOT = os.path.abspath(os.environ.get("DARKSCAN_ROOT") or
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BIN = os.environ.get("DARKSCAN") or os.path.join(ROOT, "build", "darkscan")
if not os.path.isabs(BIN):
    BIN = os.path.join(ROOT, BIN)
BASH_FILE = os.path.join(ROOT, "completions", "darkscan.bash")
ZSH_FILE = os.path.join(ROOT, "completions", "_darkscan")
BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"

FORMATS = {"table", "tsv", "csv", "json", "ndjson", "html"}
PERIODS = {"hour", "day", "week", "month"}


def run(*args):
    p = subprocess.run([BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.returncode == 0, (args, p.stderr)
    return p.stdout


def help_options(text):
    """{option: takes_value} for every '-x' and '--long' listed under 'Options:' in a --help text."""
    options = {}
    section = text.split("\nOptions:\n", 1)[1].split("\n\n", 1)[0]
    for m in re.finditer(r"^  (-[^\s,]+(?:,-[^\s,]+)*)( [A-Z]+)?", section, re.M):
        for name in m.group(1).split(","):
            options[name] = bool(m.group(2))
    return options


def token_in(token, text):
    return re.search(r"(?<![\w-])" + re.escape(token) + r"(?![\w-])", text) is not None


def comp_words(line):
    """The words bash hands to a completion function: split at blanks and at '=' and ':'
    (COMP_WORDBREAKS), an empty last word when the line ends with a blank."""
    words = []
    for word in line.split():
        words += re.findall(r"[=:]|[^=:]+", word)
    if line.endswith(" "):
        words.append("")
    return words


BASH_DRIVER = r'''
if [[ -n $DS_BASH_COMPLETION ]]; then source "$DS_BASH_COMPLETION" || exit 9; fi
source "$DS_COMPLETION" || exit 9
[[ $(complete -p darkscan) == "complete -F _darkscan darkscan" ]] || exit 8
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE=$DS_LINE
COMP_POINT=${#COMP_LINE}
COMPREPLY=()
_darkscan darkscan "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}"
'''

# Sourced by an interactive `zsh -f`: the completion system with completions/ first on $fpath;
# every match that completion would add is also written to DIR/out.N, and DIR/done.N marks the
# end of the Nth completion (nothing is inserted or listed, so the line stays as typed).
ZSH_SETUP = r'''
PS1='> '; RPS1=; LISTMAX=100000
bindkey -e
bindkey '^I' complete-word
fpath=(%(compdir)s $fpath)
autoload -Uz compinit && compinit -u -D
zstyle ':completion:*' completer _complete
typeset -gi __ds_n=0
compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return
  fi
  local -a __ds_m
  builtin compadd -O __ds_m "$@"
  (( $#__ds_m )) && print -rl -- $__ds_m >> %(dir)s/out.$__ds_n
  builtin compadd "$@"
}
__ds_done() {
  compstate[insert]=''
  compstate[list]=''
  print -r -- $compstate[nmatches] > %(dir)s/done.$__ds_n
  (( __ds_n++ ))
  comppostfuncs+=(__ds_done)
}
comppostfuncs=(__ds_done)
print ready > %(dir)s/ready
'''


class ZshSession:
    """An interactive zsh in a pseudo-terminal; complete(line) types line, TAB, and returns the
    matches offered."""

    def __init__(self, workdir, tmp):
        self.tmp = tmp
        self.count = 0
        with open(os.path.join(tmp, "setup.zsh"), "w") as f:
            f.write(ZSH_SETUP % {"compdir": os.path.join(ROOT, "completions"), "dir": tmp})
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "dumb", "HOME": tmp,
               "LC_ALL": "C"}
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child
            try:
                os.chdir(workdir)
                os.execvpe("zsh", ["zsh", "-f", "-i"], env)
            finally:
                os._exit(127)
        self.screen = bytearray()
        os.write(self.fd, b"source %s/setup.zsh\n" % tmp.encode())
        self.wait_for("ready")

    def wait_for(self, name, timeout=5.0):
        path = os.path.join(self.tmp, name)
        end = time.monotonic() + timeout
        while not os.path.exists(path):
            if time.monotonic() > end:
                raise AssertionError("zsh did not answer (%s); terminal:\n%s"
                                     % (name, self.screen.decode(errors="replace")[-2000:]))
            ready, _, _ = select.select([self.fd], [], [], 0.02)
            if ready:  # keep the terminal drained so that zsh never blocks writing to it
                try:
                    self.screen += os.read(self.fd, 65536)
                except OSError:
                    pass

    def complete(self, line):
        n = self.count
        self.count += 1
        os.write(self.fd, line.encode() + b"\t")
        self.wait_for("done.%d" % n)
        os.write(self.fd, b"\x15")  # ^U: clear the line for the next one
        out = os.path.join(self.tmp, "out.%d" % n)
        if not os.path.exists(out):
            return set()
        with open(out) as f:
            return set(f.read().split("\n")) - {""}

    def close(self):
        try:
            os.write(self.fd, b"\x15exit\n")
            end = time.monotonic() + 2
            while time.monotonic() < end:
                if os.waitpid(self.pid, os.WNOHANG)[0]:
                    break
                time.sleep(0.02)
            else:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
        finally:
            os.close(self.fd)


class CompletionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.main_help = run("--help")
        cls.merge_help = run("merge", "--help")
        cls.main_options = help_options(cls.main_help)
        cls.merge_options = help_options(cls.merge_help)
        cls.rules_commands = set(re.findall(r"^  (\w+)  ", run("rules", "--help").split("Subcommands:")[1]
                                            .split("\n\n")[0], re.M))
        cls.ua_options = help_options(run("rules", "ua", "--help"))
        cls.presets = set()
        for line in run("--list-formats").splitlines():
            if re.match(r"^[\w-]+$", line):
                cls.presets.add(line)
            elif line.strip().startswith("aliases:"):
                cls.presets.update(line.split(":", 1)[1].split())
        with open(BASH_FILE) as f:
            cls.bash_text = f.read()
        with open(ZSH_FILE) as f:
            cls.zsh_text = f.read()
        cls.tmp = tempfile.TemporaryDirectory(prefix="darkscan-completion-")
        cls.work = os.path.join(cls.tmp.name, "work")
        os.mkdir(cls.work)
        open(os.path.join(cls.work, "x.state"), "w").close()
        os.mkdir(os.path.join(cls.work, "myrules"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    # (1) the completion files know the whole CLI

    def test_help_was_parsed(self):
        # A change in the --help layout must not make the checks below vacuous.
        self.assertGreaterEqual(len(self.main_options), 30, self.main_options)
        self.assertGreaterEqual(len(self.merge_options), 14, self.merge_options)
        for option in ("--output-format", "--state-out", "--threads", "-q"):
            self.assertIn(option, self.main_options)
        self.assertTrue(self.main_options["--by"])
        self.assertFalse(self.main_options["--hits"])
        self.assertEqual(self.rules_commands, {"check", "ua"})
        self.assertTrue({"combined", "common", "vcombined", "combined-xff", "nginx", "clf"} <= self.presets,
                        self.presets)

    def test_files_know_every_option_and_preset(self):
        choices = set()
        for text in (self.main_help, self.merge_help):
            for group in re.findall(r":\{([\w,]+)\}", text):
                choices.update(group.split(","))
        self.assertTrue(set(FORMATS) - {"html"} <= choices and PERIODS <= choices, choices)
        words = (set(self.main_options) | set(self.merge_options) | set(self.ua_options) | self.presets
                 | choices | FORMATS | self.rules_commands | {"merge", "rules"})
        for name, text in (("darkscan.bash", self.bash_text), ("_darkscan", self.zsh_text)):
            missing = sorted(w for w in words if not token_in(w, text))
            self.assertEqual(missing, [], "missing from completions/%s" % name)

    # (2) bash

    def bash_modes(self):
        modes = [("compgen", "")]
        if os.path.exists(BASH_COMPLETION):
            modes.append(("bash-completion", BASH_COMPLETION))
        return modes

    def bash(self, line, helpers):
        words = comp_words(line)
        p = subprocess.run(["bash", "--norc", "--noprofile", "-c", BASH_DRIVER, "bash", *words],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=self.work,
                           env=dict(os.environ, DS_LINE=line, DS_COMPLETION=BASH_FILE,
                                    DS_BASH_COMPLETION=helpers, LC_ALL="C"))
        self.assertEqual(p.returncode, 0, (line, p.stderr))
        return set(p.stdout.split("\n")) - {""}

    def check_completions(self, complete):
        """The behaviour both shells share; complete(line) returns the set offered."""
        all_options = set(self.main_options) | set(self.merge_options)
        self.assertEqual(complete("darkscan --out"), {"--output", "--output-format"})
        self.assertEqual(complete("darkscan -F "), FORMATS)
        self.assertEqual(complete("darkscan --output-format="), FORMATS)
        self.assertEqual(complete("darkscan --by "), PERIODS)
        self.assertEqual(complete("darkscan --by=d"), {"day"})
        got = complete("darkscan -f com")
        self.assertTrue({"combined", "common"} <= got, got)
        self.assertEqual(complete("darkscan -f "), self.presets)
        self.assertTrue({"today", "yesterday", "-7d"} <= complete("darkscan --since "))
        threads = complete("darkscan --threads ")
        self.assertIn("1", threads)
        self.assertTrue(all(t.isdigit() for t in threads), threads)
        got = complete("darkscan merge --")
        self.assertTrue({"--state-out", "--by"} <= got, got)
        self.assertNotIn("--hits", got)
        self.assertEqual(complete("darkscan merge -"), set(self.merge_options))
        self.assertEqual(complete("darkscan -"), set(self.main_options))
        self.assertEqual(complete("darkscan -q --by day x.log merge -F "), FORMATS)
        self.assertEqual(complete("darkscan rules "), {"check", "ua"})
        self.assertEqual(complete("darkscan rules ua -"), set(self.ua_options))
        self.assertIn("x.state", complete("darkscan --state "))
        self.assertIn("x.state", complete("darkscan merge x"))
        self.assertIn("myrules", complete("darkscan --rules "))
        self.assertNotIn("x.state", complete("darkscan --rules "))
        self.assertEqual(complete("darkscan rules check "), {"myrules"})
        self.assertTrue({"merge", "rules", "x.state"} <= complete("darkscan "))
        # An option that takes a value never gets another option as its value.
        for options in (self.main_options, self.merge_options):
            command = "darkscan " if options is self.main_options else "darkscan merge "
            for option, takes_value in options.items():
                if takes_value:
                    for typed in ("", "-", "--"):
                        with self.subTest(line=command + option + " " + typed):
                            got = complete(command + option + " " + typed)
                            self.assertEqual(got & all_options, set())

    def test_bash(self):
        for mode, helpers in self.bash_modes():
            with self.subTest(mode=mode):
                self.check_completions(lambda line: self.bash(line, helpers))


class ZshCompletionTest(unittest.TestCase):
    """(3) zsh: its own class (and ctest entry), as zsh is a prerequisite of its own."""
    setUpClass = classmethod(CompletionTest.setUpClass.__func__)
    tearDownClass = classmethod(CompletionTest.tearDownClass.__func__)
    check_completions = CompletionTest.check_completions

    def test_zsh_syntax(self):
        harness.require(shutil.which("zsh"), "zsh (scripts/install-deps --tests)")
        p = subprocess.run(["zsh", "-n", ZSH_FILE], stderr=subprocess.PIPE, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_zsh(self):
        harness.require(shutil.which("zsh"), "zsh (scripts/install-deps --tests)")
        tmp = tempfile.mkdtemp(dir=self.tmp.name)
        session = ZshSession(self.work, tmp)
        try:
            self.check_completions(session.complete)
            # zsh completes an option's value in the same word too.
            self.assertEqual(session.complete("darkscan -Fj"), {"json"})
        finally:
            session.close()


if __name__ == "__main__":
    harness.main()
