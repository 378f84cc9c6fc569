package io.pxtoken.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuotedTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            system.root                                  | 'system.root'
            1w                                           | '1w'
            kubernetes                                   | 'kubernetes'
            eyJhbGciOiJIUzI1NiJ9                         | (value not shown)
            abc.eyJzdWIiOiJ4In0.sig                      | (value not shown)
            x\\ny                                        | (value not shown)
            aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | (value not shown)
            """)
    void quotesOnlyPlainValues(String value, String expected) {
        assertEquals(expected, Quoted.value(value.replace("\\n", "\n")));
    }
}
