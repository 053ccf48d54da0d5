//! Unit tests of the viewer flags.

use super::*;

#[test]
fn view_spec_parses_two_or_three_numbers() {
    let v: ViewSpec = "10,-20".parse().unwrap();
    assert_eq!((v.azimuth_deg, v.elevation_deg, v.zoom), (10.0, -20.0, 1.0));
    let v: ViewSpec = " 0, 90 ,2.5".parse().unwrap();
    assert_eq!(v.zoom, 2.5);
    for bad in [
        "", "1", "1,2,3,4", "a,2", "1,95", "1,2,0", "1,2,-1", "1,nan",
    ] {
        assert!(bad.parse::<ViewSpec>().is_err(), "{bad} should be rejected");
    }
}

#[test]
fn size_parses_w_x_h() {
    assert_eq!(
        "200x150".parse::<Size>().unwrap(),
        Size {
            width: 200,
            height: 150
        }
    );
    for bad in ["200", "x150", "0x10", "10x10", "9000x100", "axb"] {
        assert!(bad.parse::<Size>().is_err(), "{bad} should be rejected");
    }
}

#[test]
fn validate_names_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let ok = ViewerArgs {
        screenshot: Some(dir.path().join("a.png")),
        gif: Some(dir.path().join("b.GIF")),
        frames: Some(dir.path().join("new-dir")),
        ..Default::default()
    };
    if cfg!(feature = "viewer") {
        ok.validate().unwrap();
    }
    let cases = [
        (
            ViewerArgs {
                gif_every: 0,
                ..Default::default()
            },
            "--gif-every",
        ),
        (
            ViewerArgs {
                frames_every: Some(0),
                ..Default::default()
            },
            "--frames-every",
        ),
        (
            ViewerArgs {
                screenshot: Some("x.jpg".into()),
                ..ok.clone()
            },
            "--screenshot",
        ),
        (
            ViewerArgs {
                gif: Some(dir.path().join("no/such/x.gif")),
                ..ok.clone()
            },
            "--gif",
        ),
        (
            ViewerArgs {
                frames: Some(dir.path().join("a/b/c")),
                ..ok.clone()
            },
            "--frames",
        ),
        (
            ViewerArgs {
                view: Some(ViewSpec {
                    zoom: 0.0,
                    ..Default::default()
                }),
                ..ok.clone()
            },
            "--view",
        ),
    ];
    for (args, flag) in cases {
        let err = args.validate().unwrap_err();
        assert!(err.contains(flag) || !cfg!(feature = "viewer"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }
}

#[test]
fn flattens_into_a_parent_cli() {
    use clap::{CommandFactory, Parser};
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        viewer: ViewerArgs,
    }
    Cli::command().debug_assert();
    let cli = Cli::try_parse_from([
        "comd",
        "--view",
        "10,20,2",
        "--size",
        "300x200",
        "--color",
        "rank",
        "--gif-every",
        "3",
        "--render-mode",
        "points",
        "--viewer",
    ])
    .unwrap();
    let v = cli.viewer;
    assert!(v.viewer && v.color == ColorBy::Rank && v.render_mode == RenderMode::Points);
    assert_eq!(
        (v.size.width, v.size.height, v.gif_every, v.frames_every()),
        (300, 200, 3, 3)
    );
    assert_eq!(v.view().zoom, 2.0);
    let defaults = Cli::try_parse_from(["comd"]).unwrap().viewer;
    assert_eq!(
        format!("{defaults:?}"),
        format!("{:?}", ViewerArgs::default())
    );
    assert!(Cli::try_parse_from(["comd", "--view", "1"]).is_err());
}

#[test]
fn wants() {
    let a = ViewerArgs::default();
    assert!(!a.wants_capture() && !a.wants_window());
    let a = ViewerArgs {
        gif: Some("a.gif".into()),
        viewer: true,
        ..a
    };
    assert!(a.wants_capture() && a.wants_window());
    assert_eq!(a.frames_every(), a.gif_every);
}

#[test]
fn slices() {
    let s: Slice = "z,10.8,4".parse().unwrap();
    assert_eq!(s, Slice { axis: 2, pos: 10.8, width: 4.0 });
    assert!("w,1,1".parse::<Slice>().unwrap_err().contains("x, y or z"));
    assert!("x,1,0".parse::<Slice>().unwrap_err().contains("> 0"));
    assert!("x,1".parse::<Slice>().unwrap_err().contains("AXIS,POS,WIDTH"));
    assert!("x,nan,1".parse::<Slice>().is_err());
    let (lo, hi) = ([0.0; 3], [20.0; 3]);
    let s = Slice { axis: 0, pos: 19.0, width: 4.0 };
    assert!(s.contains([19.5, 5.0, 5.0], lo, hi));
    assert!(s.contains([0.5, 5.0, 5.0], lo, hi), "periodic across the face");
    assert!(!s.contains([16.5, 5.0, 5.0], lo, hi));
    assert!(!s.contains([1.5, 5.0, 5.0], lo, hi));
}

#[test]
fn picture_flags_need_a_picture() {
    let a = ViewerArgs { slice: Some(Slice { axis: 0, pos: 1.0, width: 2.0 }), ..ViewerArgs::default() };
    let e = a.validate_command_line().unwrap_err();
    assert!(e.contains("--slice") && e.contains("--screenshot"), "{e}");
    // a library caller that renders (Python's render with a view) has its picture
    let a = ViewerArgs { view: Some("30,20,1".parse().unwrap()), ..ViewerArgs::default() };
    a.validate().unwrap();
    let a = ViewerArgs { strip_chart: true, screenshot: Some("x.png".into()), ..ViewerArgs::default() };
    assert!(!a.validate_command_line().is_err_and(|e| e.contains("--strip-chart")));
}
