// libFuzzer target for `melodee migrate lint` over arbitrary SQL (Linter::lintScript).
// First byte: bit 0 inTransaction, bit 1 timeoutsSetByEngine, the rest picks a rule to ignore
// (or none); the remaining bytes are the script. Every finding names a known rule with that
// rule's severity, a statement and line inside the script, a message and a fix; an ignored rule
// never appears; a syntax error is reported exactly when PostgreSQL's parser rejects the script.
#include "fuzzcheck.h"

#include <migrate/lint.h>
#include <migrate/sqlparse.h>

using namespace melodee;
using namespace melodee::fuzz;

namespace {

QString describe(const LintFinding &f)
{
    return f.toString(QStringLiteral("fuzz.sql"));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const QList<LintRule> &rules = lintRules();
    Linter::Options options;
    options.inTransaction = data[0] & 1;
    options.timeoutsSetByEngine = data[0] & 2;
    const int ignored = (data[0] >> 2) % (int(rules.size()) + 1) - 1;
    if (ignored >= 0)
        options.ignore.insert(rules.at(ignored).id);
    const QString script = utf8(data + 1, size - 1);

    Linter linter(options);
    const QList<LintFinding> findings = linter.lintScript(script);
    const SqlParseResult parsed = parseSql(script);
    const int lines = int(script.count(QLatin1Char('\n'))) + 1;

    bool syntaxError = false;
    for (const LintFinding &f : findings) {
        const auto rule = std::find_if(
            rules.cbegin(), rules.cend(), [&f](const LintRule &r) { return r.id == f.rule; });
        check(rule != rules.cend(), "a finding names an unknown rule", describe(f));
        check(rule->severity == f.severity,
              "a finding has another severity than its rule",
              describe(f));
        check(!options.ignore.contains(f.rule), "an ignored rule was reported", describe(f));
        check(!f.message.isEmpty() && !f.fix.isEmpty(),
              "a finding without message or fix",
              describe(f));
        check(
            f.line >= 1 && f.line <= lines, "a finding's line is outside the script", describe(f));
        if (f.rule == QLatin1String("syntax-error")) {
            syntaxError = true;
            check(f.statement == 0 && findings.size() == 1,
                  "a syntax error comes with other findings",
                  describe(f));
        } else {
            check(f.statement >= 1 && f.statement <= parsed.statements.size(),
                  "a finding names a statement the script does not have",
                  describe(f));
        }
    }
    if (syntaxError)
        check(!parsed.error.isEmpty(), "a syntax error for a script that parses");
    if (!parsed.error.isEmpty() && !options.ignore.contains(QStringLiteral("syntax-error")))
        check(
            syntaxError, "a script that does not parse has no syntax-error finding", parsed.error);

    // Linting statement by statement (as the migration planner does) finds the same.
    if (parsed.error.isEmpty()) {
        Linter one(options);
        QList<LintFinding> again;
        int index = 0;
        for (const SqlStatement &s : parsed.statements)
            again += one.lint(s, ++index);
        check(again.size() == findings.size(), "lint() and lintScript() disagree");
        for (qsizetype i = 0; i < again.size(); ++i) {
            check(again[i].rule == findings[i].rule && again[i].line == findings[i].line
                      && again[i].message == findings[i].message,
                  "lint() and lintScript() disagree",
                  describe(again[i]));
        }
    }
    return 0;
}
