fn main() {
    println!("guarantee-sim: under construction");
}
