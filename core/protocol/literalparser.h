#pragma once
/// The recursive-descent parser behind parseLiteral(). Internal; one instance per parse.
///
/// q evaluates right to left, so `k!v`, `a$x`, `` `s#x ``, `enlist x` and `flip x` take
/// everything to their right as their argument; juxtaposed numbers and temporals form one
/// vector whose type follows q's rules (a type suffix on the last item types them all).

#include "literal.h"

#include <QByteArray>

#include <optional>
#include <vector>

namespace qscope::detail {

class LiteralParser
{
public:
    explicit LiteralParser(const QByteArray &text);
    LiteralResult parse();

private:
    struct Failure
    {
        QString message;
        int position;
    };

    std::optional<Value> expression();
    std::optional<Value> noun();
    std::optional<Value> numbers();
    std::optional<Value> symbols();
    std::optional<Value> guids();
    int guidLength() const;
    std::optional<Value> string();
    std::optional<Value> parenthesised();
    std::optional<Value> table();
    std::optional<Value> lambda();
    std::optional<Value> projectionArgs(Value function);
    std::optional<Value> dyadic(const Value &left, char op, int opPosition);
    std::optional<Value> applyKeyword(const QByteArray &word, int position);
    std::optional<std::vector<Value>> bracketArgs();

    void skipSpace();
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek(int ahead = 0) const
    {
        return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0';
    }
    bool startsNumber() const;
    std::nullopt_t fail(const QString &message, int position);
    std::nullopt_t unexpected();

    QByteArray m_text;
    int m_pos = 0;
    int m_depth = 0;
    std::optional<Failure> m_failure;
};

} // namespace qscope::detail
