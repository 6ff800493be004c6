//! A row's values straight into the column buffers, through the row's
//! `Serialize` impl (the one the CSV writer uses): fields in order, then
//! the elements of a sequence field (the drawn values of `runs.csv`) as
//! further columns. No intermediate value per row, so streaming a million
//! runs costs little beyond the CSV.

use std::fmt;

use parquet::data_type::ByteArray;
use serde::ser::{self, Impossible, Serialize};

/// A column's values of the row group being buffered.
pub(super) enum Buffer {
    Int(Vec<i64>),
    Double(Vec<f64>),
    Text(Vec<ByteArray>),
}

impl Buffer {
    pub(super) fn clear(&mut self) {
        match self {
            Buffer::Int(v) => v.clear(),
            Buffer::Double(v) => v.clear(),
            Buffer::Text(v) => v.clear(),
        }
    }
}

/// A buffered column: its values and its definition levels (0: an empty
/// cell, 1: a value), one level per row.
pub(super) struct ColumnBuffer {
    pub values: Buffer,
    pub levels: Vec<i16>,
}

/// Appends one row to `columns`; fails, leaving the row half written, if
/// the row does not have one value of each column's type.
pub(super) fn push_row<T: Serialize>(row: &T, columns: &mut [ColumnBuffer]) -> Result<(), String> {
    let mut sink = Cells { columns, next: 0 };
    row.serialize(&mut sink).map_err(|e| e.0)?;
    match sink.next == sink.columns.len() {
        true => Ok(()),
        false => Err(format!(
            "a row of {} values for {} columns",
            sink.next,
            sink.columns.len()
        )),
    }
}

struct Cells<'a> {
    columns: &'a mut [ColumnBuffer],
    next: usize,
}

enum Cell<'v> {
    Empty,
    Int(i64),
    Double(f64),
    Text(&'v str),
}

impl Cells<'_> {
    fn push(&mut self, cell: Cell<'_>) -> Result<(), CellError> {
        let Some(column) = self.columns.get_mut(self.next) else {
            return Err(CellError(format!(
                "more values than the {} columns",
                self.next
            )));
        };
        match (&mut column.values, cell) {
            (_, Cell::Empty) => column.levels.push(0),
            (Buffer::Int(v), Cell::Int(n)) => {
                v.push(n);
                column.levels.push(1);
            }
            (Buffer::Double(v), Cell::Double(x)) => {
                v.push(x);
                column.levels.push(1);
            }
            (Buffer::Text(v), Cell::Text(s)) => {
                v.push(ByteArray::from(s));
                column.levels.push(1);
            }
            _ => {
                return Err(CellError(format!(
                    "value {} is not of its column's type",
                    self.next
                )));
            }
        }
        self.next += 1;
        Ok(())
    }

    fn int(&mut self, n: impl TryInto<i64>) -> Result<(), CellError> {
        let n = n
            .try_into()
            .map_err(|_| CellError("a whole number beyond INT64".to_string()))?;
        self.push(Cell::Int(n))
    }
}

#[derive(Debug)]
struct CellError(String);

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CellError {}

impl ser::Error for CellError {
    fn custom<M: fmt::Display>(message: M) -> Self {
        CellError(message.to_string())
    }
}

fn unsupported<T>(what: &str) -> Result<T, CellError> {
    Err(CellError(format!("a table cell cannot hold {what}")))
}

impl ser::Serializer for &mut Cells<'_> {
    type Ok = ();
    type Error = CellError;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Impossible<(), CellError>;
    type SerializeTupleVariant = Impossible<(), CellError>;
    type SerializeMap = Impossible<(), CellError>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), CellError>;

    fn serialize_bool(self, _: bool) -> Result<(), CellError> {
        unsupported("a boolean")
    }
    fn serialize_i8(self, v: i8) -> Result<(), CellError> {
        self.int(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), CellError> {
        self.int(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), CellError> {
        self.int(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), CellError> {
        self.int(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), CellError> {
        self.int(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), CellError> {
        self.int(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), CellError> {
        self.int(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), CellError> {
        self.int(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), CellError> {
        self.push(Cell::Double(f64::from(v)))
    }
    fn serialize_f64(self, v: f64) -> Result<(), CellError> {
        self.push(Cell::Double(v))
    }
    fn serialize_char(self, v: char) -> Result<(), CellError> {
        self.push(Cell::Text(v.encode_utf8(&mut [0; 4])))
    }
    fn serialize_str(self, v: &str) -> Result<(), CellError> {
        self.push(Cell::Text(v))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), CellError> {
        unsupported("bytes")
    }
    fn serialize_none(self) -> Result<(), CellError> {
        self.push(Cell::Empty)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), CellError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), CellError> {
        self.push(Cell::Empty)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), CellError> {
        self.push(Cell::Empty)
    }
    /// An enum of labels (`accepted-runs`, `worst-case`) is its label.
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), CellError> {
        self.push(Cell::Text(variant))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), CellError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), CellError> {
        unsupported("an enum with data")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, CellError> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, CellError> {
        Ok(self)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, CellError> {
        unsupported("a tuple struct")
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, CellError> {
        unsupported("an enum with data")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, CellError> {
        unsupported("a map")
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, CellError> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, CellError> {
        unsupported("an enum with data")
    }
}

/// A sequence field's elements are further columns.
impl ser::SerializeSeq for &mut Cells<'_> {
    type Ok = ();
    type Error = CellError;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), CellError> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), CellError> {
        Ok(())
    }
}

impl ser::SerializeTuple for &mut Cells<'_> {
    type Ok = ();
    type Error = CellError;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), CellError> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), CellError> {
        Ok(())
    }
}

/// A row's fields are its columns, in order (names were traced once, with
/// the types).
impl ser::SerializeStruct for &mut Cells<'_> {
    type Ok = ();
    type Error = CellError;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        _: &'static str,
        value: &T,
    ) -> Result<(), CellError> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), CellError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Row {
        id: &'static str,
        rate: Option<f64>,
        drawn: Vec<Option<u32>>,
    }

    fn columns() -> Vec<ColumnBuffer> {
        [
            Buffer::Text(Vec::new()),
            Buffer::Double(Vec::new()),
            Buffer::Int(Vec::new()),
        ]
        .into_iter()
        .map(|values| ColumnBuffer {
            values,
            levels: Vec::new(),
        })
        .collect()
    }

    #[test]
    fn fields_then_sequence_elements_fill_the_columns_in_order() {
        let mut columns = columns();
        let row = |rate, drawn| Row {
            id: "a",
            rate,
            drawn: vec![drawn],
        };
        push_row(&row(Some(0.5), None), &mut columns).unwrap();
        push_row(&row(None, Some(7)), &mut columns).unwrap();
        let levels: Vec<&[i16]> = columns.iter().map(|c| c.levels.as_slice()).collect();
        assert_eq!(levels, [&[1, 1][..], &[1, 0], &[0, 1]]);
        assert!(matches!(&columns[1].values, Buffer::Double(v) if v == &[0.5]));
        assert!(matches!(&columns[2].values, Buffer::Int(v) if v == &[7]));
    }

    #[test]
    fn a_row_that_does_not_fit_the_columns_is_refused() {
        let short = Row {
            id: "a",
            rate: None,
            drawn: vec![],
        };
        assert!(push_row(&short, &mut columns()).is_err());
        let long = Row {
            id: "a",
            rate: None,
            drawn: vec![Some(1), Some(2)],
        };
        assert!(push_row(&long, &mut columns()).is_err());
        let mut swapped = columns();
        swapped.swap(0, 2);
        let row = Row {
            id: "a",
            rate: None,
            drawn: vec![Some(1)],
        };
        assert!(push_row(&row, &mut swapped).is_err());
    }
}
