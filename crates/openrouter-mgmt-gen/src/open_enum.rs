//! The `open_enum!` macro behind every string enum of the API: known values get variants, and any other value
//! decodes as `Unknown(String)` instead of failing the whole response. Written by hand because neither serde
//! (`#[serde(other)]` drops the value) nor typify can keep an unknown value.

/// Defines an open string enum: one variant per known value plus `Unknown(String)`, with serde, `Display`,
/// `FromStr` (infallible) and `as_str`. Invoked by the generated code, once per enum of the spec.
#[macro_export]
macro_rules! open_enum {
    (
        #[doc = $doc:expr]
        $name:ident {
            $( $variant:ident => $value:literal, )*
        }
    ) => {
        #[doc = $doc]
        #[doc = ""]
        #[doc = "This enum is open: a value this version of the SDK does not know decodes as `Unknown` and is kept verbatim."]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!("`", $value, "`")]
                $variant,
            )*
            /// A value this version of the SDK does not know, kept verbatim.
            Unknown(::std::string::String),
        }

        impl $name {
            /// Every value this version of the SDK knows, in the spec's order.
            pub const KNOWN: &'static [&'static str] = &[$($value),*];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unknown(other) => other.as_str(),
                }
            }

            /// Whether this is one of the values this version of the SDK knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $value => Self::$variant, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $( $value => Self::$variant, )*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl $crate::path::ParamValue for $name {
            fn param_value(&self) -> ::std::string::String {
                self.as_str().to_owned()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a string (", stringify!($name), ")"))
                    }
                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<$name, E> {
                        Ok($name::from(value))
                    }
                    fn visit_string<E: ::serde::de::Error>(self, value: ::std::string::String) -> ::std::result::Result<$name, E> {
                        Ok($name::from(value))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

#[cfg(test)]
#[allow(unreachable_pub)] // The macro declares `pub` items; in this private test module they are unreachable.
mod tests {
    crate::open_enum! {
        #[doc = "Test enum."]
        Interval {
            Daily => "daily",
            CreditCard => "credit-card",
        }
    }

    #[test]
    fn known_and_unknown_values_round_trip() {
        let v: Vec<Interval> = serde_json::from_str(r#"["daily","credit-card","hourly"]"#).unwrap();
        assert_eq!(
            v,
            [
                Interval::Daily,
                Interval::CreditCard,
                Interval::Unknown("hourly".into())
            ]
        );
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"["daily","credit-card","hourly"]"#
        );
        assert!(!v[2].is_known());
        assert_eq!(v[1].to_string(), "credit-card");
        assert_eq!("daily".parse::<Interval>().unwrap(), Interval::Daily);
        assert_eq!(Interval::KNOWN, ["daily", "credit-card"]);
    }

    #[test]
    fn non_strings_are_still_errors() {
        assert!(serde_json::from_str::<Interval>("3").is_err());
    }
}
