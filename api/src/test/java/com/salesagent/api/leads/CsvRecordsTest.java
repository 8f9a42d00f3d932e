package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a CSV body is cut into records, and where reading goes on after one that is unreadable. */
class CsvRecordsTest {
  private static List<String> all(CsvRecords records) throws IOException {
    List<String> out = new ArrayList<>();
    CsvRecords.Record r;
    while ((r = records.next()) != null) {
      out.add(r.line() + ":" + (r.error() != null ? "ERROR" : r.text()));
    }
    return out;
  }

  private static List<String> all(String csv) throws IOException {
    return all(new CsvRecords(new StringReader(csv), 10, 40));
  }

  @Test
  void quotedLineBreaksStayInTheirRecordAndLinesAreCountedLikeJackson() throws IOException {
    assertThat(all("h\r\na,\"one\r\ntwo\"\n\nb,\"x \"\"y\"\"\"\rc\n"))
        .containsExactly("1:h", "2:a,\"one\r\ntwo\"", "5:b,\"x \"\"y\"\"\"", "6:c");
  }

  @Test
  void anUnclosedQuoteCostsOnlyItsOwnLine() throws IOException {
    // Open to the end of the body.
    assertThat(all(new CsvRecords(new StringReader("h\na,\"open\nb,1\nc,2\n"), 100, 400)))
        .containsExactly("1:h", "2:ERROR", "3:b,1", "4:c,2");
    // Over the value cap before the end: the same.
    assertThat(all("h\na,\"open\nb,1\nc,2\nd,3\ne,4\n"))
        .containsExactly("1:h", "2:ERROR", "3:b,1", "4:c,2", "5:d,3", "6:e,4");
  }

  @Test
  void aValueOrRowOverItsCapCostsItsLineOnly() throws IOException {
    assertThat(all("h\na,01234567890\nb,1\n")).containsExactly("1:h", "2:ERROR", "3:b,1");
    assertThat(all("h\na,\"01234567890\"\nb,1\n")).containsExactly("1:h", "2:ERROR", "3:b,1");
    assertThat(all("h\n0123,0123,0123,0123,0123,0123,0123,0123,0123\nb,1"))
        .containsExactly("1:h", "2:ERROR", "3:b,1");
  }

  @Test
  void aRecordRejectedAfterParsingIsReadAgainFromItsSecondLine() throws IOException {
    CsvRecords records = new CsvRecords(new StringReader("a,\"x\nb,\"y\" z\nc\n"), 100, 400);
    assertThat(records.next().text()).isEqualTo("a,\"x\nb,\"y\" z");
    records.rejectLast();
    assertThat(all(records)).containsExactly("2:b,\"y\" z", "3:c");
  }

  @Test
  void aQuotedLineBreakStaysInItsRecordWhateverTheSeparator() throws IOException {
    for (char separator : new char[] {';', '\t'}) {
      String s = String.valueOf(separator);
      CsvRecords records =
          new CsvRecords(
              new StringReader("h" + s + "t\na" + s + "\"one\ntwo\"\nb" + s + "c\n"), 100, 400);
      assertThat(records.next().text()).isEqualTo("h" + s + "t");
      records.separator(separator);
      assertThat(all(records)).containsExactly("2:a" + s + "\"one\ntwo\"", "4:b" + s + "c");
    }
  }

  @Test
  void aByteOrderMarkIsSkipped() throws IOException {
    assertThat(all("\uFEFFleadId,name\nx,y")).containsExactly("1:leadId,name", "2:x,y");
  }

  @Test
  void readingLinesAgainHasABudget() throws IOException {
    CsvRecords within = new CsvRecords(new StringReader("\"a\nb\nc\n"), 100, 400, 4);
    assertThat(all(within)).containsExactly("1:ERROR", "2:b", "3:c");
    assertThat(within.gaveUp()).isNull();
    CsvRecords past = new CsvRecords(new StringReader("\"a\nb\nc\n"), 100, 400, 3);
    assertThat(all(past)).containsExactly("1:ERROR");
    assertThat(past.gaveUp()).contains("the rest was not read");
  }
}
