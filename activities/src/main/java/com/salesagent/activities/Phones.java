package com.salesagent.activities;

/** Phone numbers in logs: country code and last four digits only. */
public final class Phones {
  private Phones() {}

  public static String mask(String phone) {
    if (phone == null || phone.length() < 7) {
      return "***";
    }
    int keepStart = phone.startsWith("+") ? 3 : 2;
    return phone.substring(0, keepStart)
        + "*".repeat(phone.length() - keepStart - 4)
        + phone.substring(phone.length() - 4);
  }
}
