#pragma once
/// Tokenizer for q source. Whitespace matters in q: `x-1` is a subtraction, `x
/// -1` applies x to -1, `/` after a space starts a comment, and an iterator
/// must touch what it modifies, so every token records whether whitespace
/// preceded it.

#include "protocol/value.h"

#include <QByteArray>

#include <vector>

namespace qscope::qlang::detail {

struct Token
{
    enum class Kind {
        Number, // value: atom or vector literal (adjacent numbers merged)
        String, // value: char atom or char vector
        Symbol, // value: symbol atom or vector
        Name,   // text
        Verb,   // text: one of : + - * % & | ^ = < > $ , # _ ~ ! ? @ . <= >= <>;
                // colon: followed by :
        Adverb, // text: ' / \ ': /: \:
        Signal, // ' used as signal
        LParen,
        RParen,
        LBracket,
        RBracket,
        Lambda, // text: the whole {...}
        Semi,
        System, // text: \cmd ... to end of line
        End,
    };
    Kind kind = Kind::End;
    QByteArray text;
    Value value;
    bool colon = false;
    bool spaceBefore = false;
    int pos = 0;
    bool globalAmend = false; ///< a verb followed by `::` (x,::y): amends a global
};

class Lexer
{
public:
    /// Tokenize; throws QError ("parse" etc.) on malformed input.
    /// In a lambda body (`body`), a newline is a statement break unless the next
    /// line continues a qSQL template (from/where/by).
    static std::vector<Token> tokenize(const QByteArray &src, bool body = false);
};

} // namespace qscope::qlang::detail
