package com.salesagent.api.embedded;

import de.bwaldvogel.mongo.backend.AbstractMongoCollection;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.Document;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link EmbeddedSnapshotCollection#updateDocuments} needs of the memory backend that the
 * backend keeps to itself: the parts of its update calculation ({@code validateUpdateQuery} and
 * {@code modifyField}, the operators) and its value comparison ({@code Utils.nullAwareEquals},
 * package-private), reached once by reflection; when a later version of the backend has neither,
 * {@link #available()} is false and every update goes the backend's own way. And the two facts the
 * backend's update does not use: which top-level fields an operator update can change (an index on
 * none of them keeps its keys), and whether it needs the query's matched array position ({@code
 * a.$.b}).
 */
final class EmbeddedUpdates {
  private static final MethodHandle VALIDATE;
  private static final MethodHandle MODIFY;
  private static final MethodHandle EQUALS;

  static {
    MethodHandle validate = null;
    MethodHandle modify = null;
    MethodHandle equals = null;
    try {
      Method v =
          AbstractMongoCollection.class.getDeclaredMethod("validateUpdateQuery", Document.class);
      v.setAccessible(true);
      validate = MethodHandles.lookup().unreflect(v);
      Method m =
          AbstractMongoCollection.class.getDeclaredMethod(
              "modifyField",
              Document.class,
              String.class,
              Document.class,
              ArrayFilters.class,
              Integer.class,
              boolean.class);
      m.setAccessible(true);
      modify = MethodHandles.lookup().unreflect(m);
      Method e =
          Class.forName("de.bwaldvogel.mongo.backend.Utils")
              .getDeclaredMethod("nullAwareEquals", Object.class, Object.class);
      e.setAccessible(true);
      equals = MethodHandles.lookup().unreflect(e);
    } catch (ReflectiveOperationException | RuntimeException e) {
      validate = null;
      modify = null;
      equals = null;
    }
    VALIDATE = validate;
    MODIFY = modify;
    EQUALS = equals;
  }

  private EmbeddedUpdates() {}

  static boolean available() {
    return VALIDATE != null && MODIFY != null && EQUALS != null;
  }

  /**
   * The top-level fields an operator update ({@code {$set: {...}, $inc: {...}}}) can change: the
   * first segment of each path it names ({@code $rename}'s targets too); null when it is not such
   * an update (a replacement, a mix, an operator whose argument is not a document), which the
   * backend handles (and refuses) its own way.
   */
  static Set<String> changedFields(Document update) {
    if (update.isEmpty()) {
      return null;
    }
    Set<String> fields = new HashSet<>();
    for (String operator : update.keySet()) {
      if (!operator.startsWith("$") || !(update.get(operator) instanceof Document paths)) {
        return null;
      }
      for (String path : paths.keySet()) {
        fields.add(top(path));
        if (operator.equals("$rename") && paths.get(path) instanceof String target) {
          fields.add(top(target));
        }
      }
    }
    return fields;
  }

  /**
   * Whether a path of the update has a positional {@code $} segment (not {@code $[...]}), a {@code
   * $rename}'s target included.
   */
  static boolean positional(Document update) {
    for (var entry : update.entrySet()) {
      Document paths = (Document) entry.getValue();
      for (String path : paths.keySet()) {
        if (hasPositionalSegment(path)
            || (entry.getKey().equals("$rename")
                && paths.get(path) instanceof String target
                && hasPositionalSegment(target))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean hasPositionalSegment(String path) {
    for (String segment : path.split("\\.")) {
      if (segment.equals("$")) {
        return true;
      }
    }
    return false;
  }

  /** The indexes with a key on one of the fields, whose entries an update of them may move. */
  static List<Index<Integer>> touched(List<Index<Integer>> indexes, Set<String> fields) {
    List<Index<Integer>> out = new ArrayList<>(indexes.size());
    for (Index<Integer> index : indexes) {
      for (IndexKey key : index.getKeys()) {
        if (fields.contains(top(key.getKey()))) {
          out.add(index);
          break;
        }
      }
    }
    return out;
  }

  private static String top(String path) {
    int dot = path.indexOf('.');
    return dot < 0 ? path : path.substring(0, dot);
  }

  /**
   * The backend's new document for an operator update of {@code document} ({@code
   * calculateUpdateDocument}: its validation, its operators, its field-name check, in its order),
   * copied on write: the backend first deep-copies the whole document, then lets the operators
   * change the copy in place; here only the values of the top-level fields the update names ({@code
   * fields}, from {@link #changedFields}) are deep-copied, the others are the stored values
   * themselves, which no operator reaches (every path an operator follows starts at one of those
   * fields). A counter document's list of batch ids, a message's payload or a webhook event's body
   * is no longer copied by an update of another field.
   */
  static Document calculate(
      AbstractMongoCollection<Integer> collection,
      String idField,
      Document document,
      Document update,
      Set<String> fields,
      ArrayFilters arrayFilters,
      Integer matchPosition) {
    try {
      VALIDATE.invoke(update);
      Document changed = new Document();
      if (idField != null) {
        changed.put(idField, copied(document.get(idField), fields.contains(idField)));
      }
      for (var entry : document.entrySet()) {
        changed.put(entry.getKey(), copied(entry.getValue(), fields.contains(entry.getKey())));
      }
      for (String operator : update.keySet()) {
        MODIFY.invoke(collection, changed, operator, update, arrayFilters, matchPosition, false);
      }
      Utils.validateFieldNames(changed);
      return changed;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** The value itself, or a deep copy of it (the backend's own, {@code Document.cloneDeeply}). */
  private static Object copied(Object value, boolean copy) {
    if (!copy || !(value instanceof Document || value instanceof java.util.Collection<?>)) {
      return value;
    }
    return new Document("v", value).cloneDeeply().get("v");
  }

  /**
   * Whether the backend counts the update as a modification ({@code nModified}): its comparison of
   * the whole documents ({@code nullAwareEquals}: numbers by value, every value normalised into a
   * copy first) made only for the top-level values that differ at all, which gives the same answer
   * without copying the values an update left alone.
   */
  static boolean modified(Document before, Document after) {
    if (!new ArrayList<>(before.keySet()).equals(new ArrayList<>(after.keySet()))) {
      return true;
    }
    for (String key : before.keySet()) {
      Object a = before.get(key);
      Object b = after.get(key);
      if (a == b || Objects.equals(a, b)) {
        continue;
      }
      try {
        if (!(boolean) EQUALS.invoke(a, b)) {
          return true;
        }
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }
    return false;
  }
}
